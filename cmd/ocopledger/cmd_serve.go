package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"

	"github.com/ocopledger/ocopledger/internal/buildinfo"
	"github.com/ocopledger/ocopledger/provenance"

	"github.com/spf13/cobra"

	"github.com/ocopledger/ocopledger/datadir"
	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/httpapi"
)

// serveOptions are the settings of `ocopledger serve` (its flags).
type serveOptions struct {
	addr       string
	tokens     string
	publicRead bool
	demo       bool
	instance   string
	// witnessKeys are the witnesses whose cosignatures the ledger takes (--witness-key).
	witnessKeys []string
}

func newServeCmd(m *Main) *cobra.Command {
	o := &serveOptions{}
	c := m.command("serve", func(c *cobra.Command, args []string) error { return runServe(c.Context(), m, o, args) })
	fs := c.Flags()
	fs.StringVar(&o.addr, "addr", envOr("OCOPLEDGER_ADDR", "127.0.0.1:8080"), "")
	fs.StringVar(&o.tokens, "tokens", os.Getenv("OCOPLEDGER_TOKENS_FILE"), "")
	fs.BoolVar(&o.publicRead, "public-read", false, "")
	fs.BoolVar(&o.demo, "demo", false, "")
	fs.StringArrayVar(&o.witnessKeys, "witness-key", nil, "")
	host, _ := os.Hostname()
	fs.StringVar(&o.instance, "instance", envOr("OCOPLEDGER_INSTANCE", host), "")
	return c
}

// runServe runs the ledger, the API and the parts beside it until ctx is done or a part fails.
func runServe(ctx context.Context, m *Main, o *serveOptions, args []string) error {
	if len(args) > 0 {
		return usagef("%s takes no arguments", "serve")
	}
	// serve always says what it does: info level, to stderr.
	level := slog.LevelInfo
	if m.Verbose {
		level = slog.LevelDebug
	}
	log := slog.New(slog.NewTextHandler(m.Err, &slog.HandlerOptions{Level: level}))
	m.Logger = log

	tokens, err := httpapi.LoadTokens(o.tokens, os.Getenv("OCOPLEDGER_TOKENS"))
	if err != nil {
		return err
	}
	auth, err := httpapi.NewAuth(tokens, o.publicRead)
	if err != nil {
		return err
	}
	if auth.Open() {
		if !httpapi.Loopback(o.addr) {
			return domain.Invalid("addr", "no tokens are configured, so the server would be open to anyone who reaches %s: give --tokens FILE or $OCOPLEDGER_TOKENS, or listen on 127.0.0.1", o.addr)
		}
		log.Warn("OPEN LOCAL MODE: no tokens configured; everyone who can reach " + o.addr + " may read and record, as \"local\". Give --tokens FILE or $OCOPLEDGER_TOKENS to require tokens.")
	}

	l, err := m.Ledger(ctx)
	if err != nil {
		return err
	}
	if o.demo {
		if err := loadDemo(ctx, l, log); err != nil {
			return err
		}
	}
	witnesses, err := provenance.ReadWitnessVerifiers(o.witnessKeys)
	if err != nil {
		return err
	}
	return m.node().Serve(ctx, datadir.ServeOptions{Addr: o.addr, Auth: auth, Witnesses: witnesses, Instance: o.instance,
		HistoryEvery: m.historyEvery, ScrubAfter: m.scrubAfter,
		Serving: func(base, natsURL string) {
			mode := "tokens"
			if auth.Open() {
				mode = "open-local"
			} else if o.publicRead {
				mode = "tokens, public read"
			}
			log.Info("ocopledger serving", "url", base+"/", "api", base+"/v1/openapi.json",
				"access", mode, "instance", o.instance, "version", buildinfo.Read().Version)
			if !m.JSON {
				m.serveBanner(base, auth.Open(), o.publicRead)
				m.natsBanner(natsURL)
			}
		}})
}

// serveBanner tells whoever started serve, in their language on stdout, where the dashboard and
// the API are and who may use them; the log on stderr (English, for operators) says the rest.
func (m *Main) serveBanner(base string, open, publicRead bool) {
	access := m.t("chỉ người có token (--tokens)", "holders of a token (--tokens) only")
	switch {
	case open:
		access = m.t("mở cho mọi người dùng trên máy này, chưa cấu hình token", "open to every user of this machine: no tokens configured")
	case publicRead:
		access = m.t("ai cũng xem được; ghi cần token", "anyone may read; recording needs a token")
	}
	fmt.Fprintf(m.Out, m.t(
		"Sổ cái OCOP đang chạy.\n  Bảng điều khiển:  %s/\n  API (OpenAPI):    %s/v1/openapi.json\n  Quyền truy cập:   %s\nDừng bằng Ctrl+C. Nhật ký hoạt động (tiếng Anh, cho người vận hành) ghi ra stderr.\n",
		"The OCOP ledger is running.\n  Dashboard:        %s/\n  API (OpenAPI):    %s/v1/openapi.json\n  Access:           %s\nStop with Ctrl+C. The operators' log goes to stderr.\n"),
		base, base, access)
}

// natsBanner tells, when serve also listens for NATS clients (--listen-nats), where and with
// which credentials they read the log.
func (m *Main) natsBanner(url string) {
	if url == "" {
		return
	}
	if m.node().ReaderFile() == "" {
		fmt.Fprintf(m.Out, m.t("  NATS (chỉ đọc):   %s, tài khoản và mật khẩu trong $OCOPLEDGER_NATS_READER\n",
			"  NATS (read only): %s, user and password in $OCOPLEDGER_NATS_READER\n"), url)
		return
	}
	fmt.Fprintf(m.Out, m.t(
		"  NATS (chỉ đọc):   %s, tài khoản và mật khẩu trong %s\n    ví dụ: ocopledger log --nats %s --nats-creds %s\n",
		"  NATS (read only): %s, user and password in %s\n    e.g. ocopledger log --nats %s --nats-creds %s\n"),
		url, m.node().ReaderFile(), url, m.node().ReaderFile())
}
