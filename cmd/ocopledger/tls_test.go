package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

// writeTLSFiles writes a CA, a server certificate for 127.0.0.1 and a client certificate, all
// signed by the CA, as PEM files in dir.
func writeTLSFiles(t *testing.T, dir string) (ca, serverCert, serverKey, clientCert, clientKey string) {
	t.Helper()
	write := func(name, typ string, der []byte) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	key := func() *ecdsa.PrivateKey {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	keyPEM := func(name string, k *ecdsa.PrivateKey) string {
		der, err := x509.MarshalECPrivateKey(k)
		if err != nil {
			t.Fatal(err)
		}
		return write(name, "EC PRIVATE KEY", der)
	}
	now := time.Now()
	caKey := key()
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "ocopledger test CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	caCert, _ := x509.ParseCertificate(caDER)
	leaf := func(serial int64, name string, usage x509.ExtKeyUsage) (string, string) {
		k := key()
		tmpl := &x509.Certificate{SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: name},
			NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour), KeyUsage: x509.KeyUsageDigitalSignature,
			ExtKeyUsage: []x509.ExtKeyUsage{usage}, IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, caCert, &k.PublicKey, caKey)
		if err != nil {
			t.Fatal(err)
		}
		return write(name+".pem", "CERTIFICATE", der), keyPEM(name+"-key.pem", k)
	}
	ca = write("ca.pem", "CERTIFICATE", caDER)
	serverCert, serverKey = leaf(2, "server", x509.ExtKeyUsageServerAuth)
	clientCert, clientKey = leaf(3, "client", x509.ExtKeyUsageClientAuth)
	return
}

// Across machines the ledger talks to NATS over TLS, verifying the servers with --nats-ca and
// presenting its own certificate when the servers require mutual TLS: against a real nats-server
// that requires both, the demo loads and the figures answer; without the client certificate, or
// without the CA, the connection is refused and nothing is written.
func TestNATSOverMutualTLS(t *testing.T) {
	dir := t.TempDir()
	ca, sc, sk, cc, ck := writeTLSFiles(t, dir)
	tlsCfg, err := server.GenTLSConfig(&server.TLSConfigOpts{CertFile: sc, KeyFile: sk, CaFile: ca, Verify: true})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := server.NewServer(&server.Options{Host: "127.0.0.1", Port: -1, JetStream: true, StoreDir: filepath.Join(dir, "js"),
		NoSigs: true, TLS: true, TLSVerify: true, TLSConfig: tlsCfg, TLSTimeout: 2})
	if err != nil {
		t.Fatal(err)
	}
	srv.Start()
	defer func() { srv.Shutdown(); srv.WaitForShutdown() }()
	if !srv.ReadyForConnections(10 * time.Second) {
		t.Fatal("nats-server with TLS did not start")
	}
	url := fmt.Sprintf("tls://127.0.0.1:%d", srv.Addr().(*net.TCPAddr).Port)
	data := t.TempDir()

	if code, _, errs := runCLI(t, "figures", "--nats", url, "--data", data, "--nats-ca", ca, "--lang", "en"); code == 0 {
		t.Errorf("connected without a client certificate to a server that requires one\n%s", errs)
	}
	if code, _, errs := runCLI(t, "figures", "--nats", url, "--data", data, "--nats-cert", cc, "--nats-key", ck, "--lang", "en"); code == 0 {
		t.Errorf("connected without the CA that signed the server's certificate\n%s", errs)
	}
	code, _, errs := runCLI(t, "figures", "--nats", url, "--data", data, "--nats-ca", ca, "--nats-cert", cc, "--lang", "en")
	if code != 2 || !strings.Contains(errs, "nats-cert") {
		t.Errorf("--nats-cert without --nats-key: exit %d, %q; want 2 naming the flag", code, errs)
	}
	tlsArgs := []string{"--nats", url, "--data", data, "--nats-ca", ca, "--nats-cert", cc, "--nats-key", ck}
	if code, _, errs := runCLI(t, append([]string{"demo"}, tlsArgs...)...); code != 0 {
		t.Fatalf("demo over mutual TLS: exit %d\n%s", code, errs)
	}
	code, out, errs := runCLI(t, append([]string{"figures", "--as-of", "2025-08-07", "--known-at", "2025-08-07", "--json"}, tlsArgs...)...)
	if code != 0 || !strings.Contains(out, `"ocop.valid": 642`) {
		t.Fatalf("figures over mutual TLS: exit %d\n%s\n%s", code, out, errs)
	}
	if code, _, errs := runCLI(t, "figures", "--data", data, "--nats-ca", ca, "--lang", "en"); code != 2 || !strings.Contains(errs, "nats-ca") {
		t.Errorf("TLS options with the embedded server: exit %d, %q; want 2 naming --nats-ca", code, errs)
	}
}
