// The glue between Mbed TLS and the wrapped MicroPython stream: the BIO
// callbacks, handshake flight coalescing and the DTLS retransmission timer.
//
// Coalescing: Mbed TLS hands each handshake message to the transport
// separately. Written one by one to a TCP socket, Nagle's algorithm holds
// the second message until the first is acknowledged, and the peer delays
// that ACK (about 40 ms on Linux): each flight would stall. So during a TLS
// handshake outgoing bytes collect in self->flight and leave in one write
// when Mbed TLS next wants to read. The last flight (the client's Finished
// in TLS 1.3, the server's in TLS 1.2) is held until the first write, which
// it joins, or until the next read, poll or close: application data that
// follows a flight in a second small segment would wait on Nagle just the
// same. DTLS needs none of this: Mbed TLS packs a flight into datagrams
// itself.
//
// Writes: Mbed TLS encrypts one record per call, and a write() larger than
// a record (8 KiB over 4 KiB records) became several sends, the last one
// often tiny (TLS 1.3 carries 4095 bytes in a 4096-byte record, so 8192
// bytes are 4095 + 4095 + 2): Nagle holds that one until the peer
// acknowledges the others. So the records of one write gather in the same
// buffer and leave in one send, up to SSL_SEND_BUDGET bytes; a larger
// write leaves in sends of that size, and its last record never alone
// (mpssl_io_gather_more). See docs/latency.md.
#include <string.h>

#include "py/runtime.h"
#include "py/mphal.h"
#include "py/stream.h"
#include "py/mperrno.h"

#include "py/objtype.h"

#include "mbedtls/net_sockets.h"

#include "mpssl.h"

#if defined(__linux__)
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#endif

// The largest flight held back before it is written out regardless: a full
// record plus headroom for a long certificate chain in several records.
#define SSL_FLIGHT_MAX (MBEDTLS_SSL_OUT_CONTENT_LEN + 2048)

// The bytes of records one send carries, when a write() gathers several:
// as many as a full-size record and its headers (4 records of 4 KiB), plus
// a write's last record, which joins the others whatever its size.
#define SSL_SEND_BUDGET (MPSSL_OUT_RECORD_LEN + 1024)

static bool ssl_io_is_dtls(mp_obj_ssl_socket_t *self) {
    return self->context->protocol & MPSSL_PROTOCOL_DTLS;
}

// Maps a failed stream call to the Mbed TLS code it should report. A
// socket timeout (settimeout) is not fatal to the connection: Mbed TLS sees
// "would block" and the caller gets ETIMEDOUT (see ssl_socket.c).
static int ssl_io_stream_error(mp_obj_ssl_socket_t *self, int err, int want, int failed) {
    self->sock_errno = err;
    return mp_is_nonblocking_error(err) || err == MP_ETIMEDOUT ? want : failed;
}

// The wrapped stream's read, write and poll, called from inside Mbed TLS.
// A stream written in Python (an io.IOBase subclass) can raise, and an
// exception must not unwind through Mbed TLS. An OSError with an errno (or
// a MemoryError) becomes that errno here, as a socket's failure would;
// anything else (a ValueError, KeyboardInterrupt, SystemExit) is kept and
// raised unchanged once Mbed TLS has returned (ssl_socket.c).
enum { SSL_IO_READ, SSL_IO_WRITE, SSL_IO_POLL };

static int ssl_io_exception_errno(mp_obj_ssl_socket_t *self, mp_obj_t exc) {
    const mp_obj_type_t *type = mp_obj_get_type(exc);
    if (mp_obj_is_subclass_fast(MP_OBJ_FROM_PTR(type), MP_OBJ_FROM_PTR(&mp_type_MemoryError))) {
        return MP_ENOMEM;
    }
    mp_obj_t args = mp_obj_exception_get_value(exc);
    if (mp_obj_is_subclass_fast(MP_OBJ_FROM_PTR(type), MP_OBJ_FROM_PTR(&mp_type_OSError))
        && mp_obj_is_small_int(args) && MP_OBJ_SMALL_INT_VALUE(args) > 0) {
        return MP_OBJ_SMALL_INT_VALUE(args);
    }
    mpssl_socket_callback_raised(self, exc, false);
    return MP_EIO;
}

// A stream that reports more bytes than it was given room for (or asked to
// send) would have Mbed TLS read past its buffer, and a write() that takes
// none of its bytes would be retried for ever (it has no EOF to mean; a
// stream that would block returns None): that is the stream's bug, and it
// is named as such (an OSError, as CPython's buffered I/O raises for a raw
// stream's impossible count).
static void ssl_io_check_count(int op, mp_uint_t n, size_t len) {
    bool writing = op == SSL_IO_WRITE;
    if (op != SSL_IO_POLL && n != MP_STREAM_ERROR && (n > len || (writing && n == 0 && len > 0))) {
        mp_raise_msg_varg(&mp_type_OSError,
            MP_ERROR_TEXT("the wrapped stream's %s returned %u for a buffer of %u bytes: it must return %u to len(buf)%s"),
            writing ? "write()" : "readinto()", (unsigned)n, (unsigned)len, writing ? 1 : 0,
            writing ? ", or None when it would block" : "");
    }
}

static mp_uint_t ssl_io_stream_call(mp_obj_ssl_socket_t *self, int op, void *buf, size_t len, int *err) {
    nlr_buf_t nlr;
    if (nlr_push(&nlr) != 0) {
        *err = ssl_io_exception_errno(self, MP_OBJ_FROM_PTR(nlr.ret_val));
        return MP_STREAM_ERROR;
    }
    const mp_stream_p_t *stream = mp_get_stream(self->sock);
    mp_uint_t ret;
    if (op == SSL_IO_READ) {
        ret = stream->read(self->sock, buf, len, err);
    } else if (op == SSL_IO_WRITE) {
        ret = stream->write(self->sock, buf, len, err);
    } else {
        ret = stream->ioctl(self->sock, MP_STREAM_POLL, len, err);
    }
    ssl_io_check_count(op, ret, len);
    nlr_pop();
    return ret;
}

// Writes out what is held back in the flight. 0 when all of it has left.
int mpssl_io_flush(mp_obj_ssl_socket_t *self) {
    ssl_flight_t *flight = &self->flight;
    while (flight->sent < flight->len) {
        int err;
        mp_uint_t n = ssl_io_stream_call(self, SSL_IO_WRITE, flight->buf + flight->sent, flight->len - flight->sent, &err);
        if (n == MP_STREAM_ERROR) {
            int ret = ssl_io_stream_error(self, err, MBEDTLS_ERR_SSL_WANT_WRITE, MBEDTLS_ERR_NET_SEND_FAILED);
            if (ret != MBEDTLS_ERR_SSL_WANT_WRITE) {
                // The stream failed: nothing held can leave any more.
                mpssl_io_release(self);
            }
            flight->blocked = true;
            return ret;
        }
        flight->sent += n;
    }
    // Between flights the buffer would only add to the handshake's peak
    // (a client verifies the server's flight with its own first one long
    // gone): the next flight takes a new one.
    mpssl_io_release(self);
    return 0;
}

bool mpssl_io_flight_pending(mp_obj_ssl_socket_t *self) {
    return self->flight.len > self->flight.sent;
}

// Frees the flight buffer, and with it whatever it still holds.
void mpssl_io_release(mp_obj_ssl_socket_t *self) {
    ssl_flight_t *flight = &self->flight;
    if (flight->buf != NULL) {
        mpssl_free(flight->buf);
    }
    memset(flight, 0, sizeof(*flight));
}

// Appends a handshake message to the flight, growing the buffer as needed.
// It starts at 2 KiB, which most flights fit: growing from each flight's
// first message instead split a 140 KiB heap (the qemu board) so finely
// that a new connection's 16 KiB input buffer no longer found room.
static int ssl_io_hold(mp_obj_ssl_socket_t *self, const unsigned char *buf, size_t len) {
    ssl_flight_t *flight = &self->flight;
    if (!flight->gathering && flight->len + len > SSL_FLIGHT_MAX) {
        int ret = mpssl_io_flush(self);
        if (ret != 0) {
            return ret;
        }
    }
    if (flight->len + len > flight->cap) {
        size_t cap = MAX(flight->cap * 2, MAX(flight->len + len, 2048));
        byte *grown = mpssl_calloc(1, cap);
        if (grown == NULL) {
            return MBEDTLS_ERR_SSL_ALLOC_FAILED;
        }
        if (flight->buf != NULL) {
            memcpy(grown, flight->buf, flight->len);
            mpssl_free(flight->buf);
        }
        flight->buf = grown;
        flight->cap = cap;
    }
    memcpy(flight->buf + flight->len, buf, len);
    flight->len += len;
    return (int)len;
}

static int ssl_io_send(void *ctx, const unsigned char *buf, size_t len) {
    mp_obj_ssl_socket_t *self = ctx;
    // The connection's own state, not Mbed TLS's: a TLS 1.3 client reading a
    // NewSessionTicket re-enters the handshake state machine, which flushes a
    // record a blocked write() left pending. Held here, that record would
    // count as sent, and the caller's retry of the write would seal it again.
    bool handshaking = self->state == SSL_SOCKET_HANDSHAKING;
    bool gathering = self->flight.gathering;
    if (!ssl_io_is_dtls(self) && (handshaking || gathering || mpssl_io_flight_pending(self))) {
        int ret = ssl_io_hold(self, buf, len);
        if (handshaking || (ret >= 0 && gathering)) {
            return ret;
        }
        if (ret >= 0) {
            // This record joins the last flight. Taken is taken: if the
            // stream would block now, the next read, write or poll sends
            // the rest.
            int flushed = mpssl_io_flush(self);
            return flushed == 0 || flushed == MBEDTLS_ERR_SSL_WANT_WRITE ? ret : flushed;
        }
        // No memory to gather application data in: what is held leaves
        // first, then this record on its own.
        ret = mpssl_io_flush(self);
        if (ret != 0) {
            return ret;
        }
    }
    int err;
    mp_uint_t n = ssl_io_stream_call(self, SSL_IO_WRITE, (void *)buf, len, &err);
    if (n == MP_STREAM_ERROR) {
        return ssl_io_stream_error(self, err, MBEDTLS_ERR_SSL_WANT_WRITE, MBEDTLS_ERR_NET_SEND_FAILED);
    }
    return (int)n;
}

// Whether a write of size bytes makes a send of more than one record, the
// only case where gathering its records (a copy) is worth it. The largest
// record a write can make: what the output buffer may grow to, within an
// agreed max_fragment_length (less one byte there: TLS 1.3's content type).
static bool ssl_io_gather_worth(mp_obj_ssl_socket_t *self, size_t size) {
    size_t payload = MPSSL_OUT_RECORD_LEN;
    #if defined(MBEDTLS_SSL_MAX_FRAGMENT_LENGTH)
    const mbedtls_ssl_session *session = self->ssl.MBEDTLS_PRIVATE(session);
    unsigned code = session == NULL ? MBEDTLS_SSL_MAX_FRAG_LEN_NONE : session->MBEDTLS_PRIVATE(mfl_code);
    if (code != MBEDTLS_SSL_MAX_FRAG_LEN_NONE && (256u << code) < payload) {
        payload = 256u << code;  // codes 1 to 4: 512 to 4096 bytes
    }
    #endif
    if (payload < 16384) {
        payload -= 1;
    }
    int expansion = mbedtls_ssl_get_record_expansion(&self->ssl);
    if (size <= payload || expansion < 0) {
        return false;
    }
    // A budget of one record per send still takes a write's last record.
    return 2 * (payload + (size_t)expansion) <= SSL_SEND_BUDGET || size <= 2 * payload;
}

// A write() about to encrypt its records: they gather in the flight buffer
// until mpssl_io_gather_end() sends them (TLS; DTLS sends each record as a
// datagram), after the handshake's last flight if it is held. Records an
// earlier write left because the stream would block go first: until they
// have, this write would block too (MBEDTLS_ERR_SSL_WANT_WRITE, nothing
// taken), so what waits in the buffer stays within one send's budget.
int mpssl_io_gather_begin(mp_obj_ssl_socket_t *self, size_t size) {
    if (self->flight.blocked) {
        int ret = mpssl_io_flush(self);
        if (ret != 0) {
            return ret;
        }
    }
    self->flight.gathering = !ssl_io_is_dtls(self) && ssl_io_gather_worth(self, size);
    return 0;
}

// Whether the next record of a write with left bytes still to encrypt
// joins the records gathered so far: while they stay within the budget,
// and always when it is the write's last record, which would otherwise
// leave alone, as the small segment Nagle holds back.
bool mpssl_io_gather_more(mp_obj_ssl_socket_t *self, size_t left) {
    int payload = mbedtls_ssl_get_max_out_record_payload(&self->ssl);
    int expansion = mbedtls_ssl_get_record_expansion(&self->ssl);
    if (payload <= 0 || expansion < 0) {
        return false;
    }
    if (left <= (size_t)payload) {
        return true;
    }
    size_t held = self->flight.len - self->flight.sent;
    return held + (size_t)payload + (size_t)expansion <= SSL_SEND_BUDGET;
}

// Sends what the write gathered, in one stream write: 0 once all of it has
// left, MBEDTLS_ERR_SSL_WANT_WRITE if the stream would block (the next
// read, write or poll sends the rest), or the stream's failure.
int mpssl_io_gather_end(mp_obj_ssl_socket_t *self) {
    self->flight.gathering = false;
    return mpssl_io_flush(self);
}

static bool ssl_io_stream_ready(mp_obj_ssl_socket_t *self, uintptr_t flags) {
    int err;
    mp_uint_t ready = ssl_io_stream_call(self, SSL_IO_POLL, NULL, flags, &err);
    return ready != MP_STREAM_ERROR && (ready & flags) != 0;
}

// A DTLS server has read the datagram that brought its client and sent no
// flight yet, yet Mbed TLS wants more: that datagram was no ClientHello
// (Mbed TLS drops bad datagrams silently). Waiting on would let any stray
// datagram stall the documentation's accept loop; the handshake fails now.
static bool ssl_io_dtls_stray_first_datagram(mp_obj_ssl_socket_t *self) {
    return ssl_io_is_dtls(self) && (self->context->protocol & MPSSL_PROTOCOL_SERVER)
           && self->dtls_datagrams_in > 0 && !self->dtls_flight_sent;
}

// ---- TCP options (Linux) ---------------------------------------------------
//
// Neither end of a TLS connection may wait on the other's delayed ACK
// (docs/latency.md). Ours sends every write() at once (TCP_NODELAY): its
// records leave in one send per write already (above), so Nagle's
// algorithm would save no segment, only hold a write back until the peer
// acknowledged the one before (a request written in small pieces, a
// server's reply behind its session tickets). And ours acknowledges what
// it receives at once while it waits to read (TCP_QUICKACK, which Linux
// forgets as soon as the connection looks interactive again): a peer whose
// Nagle holds its second send (the reply behind the tickets, the second
// record of an echo) gets its ACK without the 40 ms wait. Only for the unix
// port's own sockets: a stream written in Python, and every other port,
// keeps its options.

// The descriptor of the wrapped TLS stream when it is a native stream with
// one (the unix port's socket), else -1: what TCP options are set on and
// what select.poll sleeps on (ssl_socket.c).
int mpssl_io_fd(mp_obj_ssl_socket_t *self) {
    if (ssl_io_is_dtls(self) || mp_obj_is_instance_type(mp_obj_get_type(self->sock))) {
        return -1;
    }
    int err;
    mp_uint_t fd = mp_get_stream(self->sock)->ioctl(self->sock, MP_STREAM_GET_FILENO, 0, &err);
    return fd == MP_STREAM_ERROR ? -1 : (int)fd;
}

#if defined(__linux__)
// Sets a TCP option, best effort: a descriptor that is no TCP socket
// refuses it, and nothing depends on it but latency.
static void ssl_io_tcp_option(mp_obj_ssl_socket_t *self, int option) {
    int fd = mpssl_io_fd(self);
    int one = 1;
    if (fd >= 0) {
        setsockopt(fd, IPPROTO_TCP, option, &one, sizeof(one));
    }
}
#define SSL_IO_TCP_OPTION(self, option) ssl_io_tcp_option(self, option)
#else
#define SSL_IO_TCP_OPTION(self, option)
#endif

static int ssl_io_recv(void *ctx, unsigned char *buf, size_t len) {
    mp_obj_ssl_socket_t *self = ctx;
    // The peer answers a flight only once it has all of it.
    int ret = mpssl_io_flush(self);
    if (ret != 0) {
        return ret;
    }
    SSL_IO_TCP_OPTION(self, TCP_QUICKACK);
    if (ssl_io_is_dtls(self) && !mbedtls_ssl_is_handshake_over(&self->ssl)
        && !ssl_io_stream_ready(self, MP_STREAM_POLL_RD)) {
        return ssl_io_dtls_stray_first_datagram(self) ? MBEDTLS_ERR_SSL_INVALID_RECORD : MBEDTLS_ERR_SSL_WANT_READ;
    }
    int err;
    mp_uint_t n = ssl_io_stream_call(self, SSL_IO_READ, buf, len, &err);
    if (n == MP_STREAM_ERROR) {
        return ssl_io_stream_error(self, err, MBEDTLS_ERR_SSL_WANT_READ, MBEDTLS_ERR_NET_RECV_FAILED);
    }
    if (self->dtls_datagrams_in < 255) {
        ++self->dtls_datagrams_in;
    }
    return (int)n;
}

// DTLS timer callbacks, on MicroPython's millisecond ticks.
static void ssl_io_timer_set(void *ctx, uint32_t int_ms, uint32_t fin_ms) {
    mp_obj_ssl_socket_t *self = ctx;
    self->timer_int_ms = int_ms;
    self->timer_fin_ms = fin_ms;
    self->dtls_flight_sent |= fin_ms != 0;
    self->timer_start_ms = mp_hal_ticks_ms();
}

static uint32_t ssl_io_timer_elapsed(mp_obj_ssl_socket_t *self) {
    return (uint32_t)(mp_hal_ticks_ms() - self->timer_start_ms);
}

static int ssl_io_timer_get(void *ctx) {
    mp_obj_ssl_socket_t *self = ctx;
    if (self->timer_fin_ms == 0) {
        return -1;
    }
    uint32_t elapsed = ssl_io_timer_elapsed(self);
    if (elapsed >= self->timer_fin_ms) {
        return 2;
    }
    return elapsed >= self->timer_int_ms ? 1 : 0;
}

// A DTLS flight is due for retransmission (never for TLS: its timer is
// never set).
bool mpssl_io_timer_expired(mp_obj_ssl_socket_t *self) {
    return ssl_io_timer_get(self) == 2;
}

void mpssl_io_attach(mp_obj_ssl_socket_t *self) {
    SSL_IO_TCP_OPTION(self, TCP_NODELAY);
    mbedtls_ssl_set_bio(&self->ssl, self, ssl_io_send, ssl_io_recv, NULL);
    if (ssl_io_is_dtls(self)) {
        mbedtls_ssl_set_timer_cb(&self->ssl, self, ssl_io_timer_set, ssl_io_timer_get);
    }
}

// Blocks until the wrapped stream is ready in the direction Mbed TLS asked
// for (want is MBEDTLS_ERR_SSL_WANT_READ or _WANT_WRITE), or a DTLS timer
// expires. Used when the caller asked for a blocking handshake on a
// non-blocking stream, and by DTLS whose reads never wait past a timer.
void mpssl_io_wait(mp_obj_ssl_socket_t *self, int want) {
    uintptr_t flags = want == MBEDTLS_ERR_SSL_WANT_WRITE ? MP_STREAM_POLL_WR : MP_STREAM_POLL_RD;
    while (!ssl_io_stream_ready(self, flags)) {
        if (mpssl_io_timer_expired(self) || self->callback_exc != MP_OBJ_NULL) {
            break;
        }
        mp_event_wait_ms(1);
    }
}
