// A TLS server that ignores the client's max_fragment_length request (RFC 6066 lets a server
// do so; Go's crypto/tls never reads that extension): started by tools/run-tests.py as the
// peers IGNORES_MFL12 and IGNORES_MFL13, for
// tests/ssl/client_takes_full_records_from_server_ignoring_max_fragment_length.py.
//
// usage: ignores-mfl-server -cert FILE -key FILE -tls 1.2|1.3
// Listens on a free port of 127.0.0.1 and prints "ACCEPT 127.0.0.1:PORT" (as openssl s_server
// does). On each connection, for each line it reads it writes the line reversed (as
// `s_server -rev` does) in one write, which goes out in records of 2^14 bytes of content, the
// most TLS allows; for the line "largest?" it answers the length of the largest
// application-data record it has sent on this connection, counted on the wire.
package main

import (
	"bufio"
	"crypto/tls"
	"flag"
	"fmt"
	"log"
	"net"
	"os"
	"strconv"
)

// recordCounter passes what TLS writes to the socket through, reading the record headers in
// it: the largest application-data record (23) so far.
type recordCounter struct {
	net.Conn
	header  []byte // the header being read
	skip    int    // bytes of the current record's body still to pass
	largest int
}

func (c *recordCounter) Write(b []byte) (int, error) {
	for _, x := range b {
		if c.skip > 0 {
			c.skip--
			continue
		}
		c.header = append(c.header, x)
		if len(c.header) == 5 {
			c.skip = int(c.header[3])<<8 | int(c.header[4])
			if c.header[0] == 23 && c.skip > c.largest {
				c.largest = c.skip
			}
			c.header = c.header[:0]
		}
	}
	return c.Conn.Write(b)
}

func reversed(b []byte) []byte {
	r := make([]byte, len(b))
	for i, x := range b {
		r[len(b)-1-i] = x
	}
	return r
}

func serve(raw net.Conn, config *tls.Config) {
	counter := &recordCounter{Conn: raw}
	conn := tls.Server(counter, config)
	defer conn.Close()
	lines := bufio.NewReaderSize(conn, 1<<16)
	for {
		line, err := lines.ReadBytes('\n')
		if err != nil {
			return
		}
		line = line[:len(line)-1]
		var reply []byte
		if string(line) == "largest?" {
			reply = []byte(strconv.Itoa(counter.largest))
		} else {
			reply = reversed(line)
		}
		if _, err := conn.Write(append(reply, '\n')); err != nil {
			return
		}
	}
}

func main() {
	certFile := flag.String("cert", "", "certificate (PEM)")
	keyFile := flag.String("key", "", "private key (PEM)")
	version := flag.String("tls", "", "1.2 or 1.3: the only version offered")
	flag.Parse()
	versions := map[string]uint16{"1.2": tls.VersionTLS12, "1.3": tls.VersionTLS13}
	v, ok := versions[*version]
	if !ok {
		log.Fatalf("-tls must be 1.2 or 1.3, not %q", *version)
	}
	cert, err := tls.LoadX509KeyPair(*certFile, *keyFile)
	if err != nil {
		log.Fatal(err)
	}
	config := &tls.Config{
		Certificates: []tls.Certificate{cert},
		MinVersion:   v,
		MaxVersion:   v,
		// Full-size records from the first byte (by default Go starts a connection with
		// records of about 1 kB and grows them).
		DynamicRecordSizingDisabled: true,
	}
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("ACCEPT %s\n", listener.Addr())
	os.Stdout.Sync()
	for {
		raw, err := listener.Accept()
		if err != nil {
			log.Fatal(err)
		}
		go serve(raw, config)
	}
}
