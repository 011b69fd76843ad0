# Stand-in for the ntptime module of MicroPython's board ports, which the
# unix port lacks: the host's clock is already set, so there is nothing to do.
def settime():
    pass
