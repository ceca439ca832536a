package main

import (
	"context"

	"github.com/ocopledger/ocopledger/dashboard"
)

// The dashboard: the page at "/" and its embedded assets under "/assets/". They hold no data,
// so they are public even when the API needs a token; the page asks for one when the API says so.
func init() {
	registerServeHook(serveHook{
		name: "dashboard",
		init: func(ctx context.Context, env *serveEnv) ([]func(ctx context.Context) error, error) {
			h := dashboard.Handler()
			env.Mux.Handle("GET /{$}", h)
			env.Mux.Handle("GET /assets/", h)
			return nil, nil
		},
	})
}
