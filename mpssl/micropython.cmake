# mpssl as a MicroPython user C module for cmake-based ports (esp32, rp2):
#   cmake ... -DUSER_C_MODULES=/path/to/mpssl/micropython.cmake -DMBEDTLS_SRC=/path/to/mbedtls
# Mbed TLS is compiled from source with our configuration header.
add_library(usermod_mpssl INTERFACE)

if(NOT MBEDTLS_SRC)
    get_filename_component(MBEDTLS_SRC ${CMAKE_CURRENT_LIST_DIR}/../build/deps/mbedtls ABSOLUTE)
endif()

file(GLOB MPSSL_MBEDTLS_SOURCES ${MBEDTLS_SRC}/library/*.c)

target_sources(usermod_mpssl INTERFACE
    ${CMAKE_CURRENT_LIST_DIR}/modssl.c
    ${CMAKE_CURRENT_LIST_DIR}/ssl_context.c
    ${CMAKE_CURRENT_LIST_DIR}/ssl_socket.c
    ${CMAKE_CURRENT_LIST_DIR}/ssl_io.c
    ${CMAKE_CURRENT_LIST_DIR}/ssl_certs.c
    ${CMAKE_CURRENT_LIST_DIR}/ssl_ciphers.c
    ${CMAKE_CURRENT_LIST_DIR}/ssl_session.c
    ${CMAKE_CURRENT_LIST_DIR}/ssl_cid.c
    ${CMAKE_CURRENT_LIST_DIR}/ssl_errors.c
    ${CMAKE_CURRENT_LIST_DIR}/ssl_platform.c
    ${CMAKE_CURRENT_LIST_DIR}/ssl_alloc.c
    ${CMAKE_CURRENT_LIST_DIR}/ssl_testing.c
    ${CMAKE_CURRENT_LIST_DIR}/ssl_compat.c
    ${CMAKE_CURRENT_LIST_DIR}/ssl_alpn.c
    ${CMAKE_CURRENT_LIST_DIR}/ssl_keylog.c
    ${CMAKE_CURRENT_LIST_DIR}/ssl_psk.c
    ${CMAKE_CURRENT_LIST_DIR}/ssl_sign_callback.c
    ${CMAKE_CURRENT_LIST_DIR}/ssl_truststore.c
    ${MPSSL_MBEDTLS_SOURCES}
)

target_include_directories(usermod_mpssl INTERFACE
    ${CMAKE_CURRENT_LIST_DIR}
    ${MBEDTLS_SRC}/include
)

# Mbed TLS allocates from the GC heap through MicroPython's tracked allocator.
target_compile_definitions(usermod_mpssl INTERFACE
    MBEDTLS_CONFIG_FILE="mbedtls_config_mpssl.h"
    MICROPY_TRACKED_ALLOC=1
)

target_link_libraries(usermod INTERFACE usermod_mpssl)
