// Package httpapi is the HTTP interface of ocopledger: recording events (POST /v1/events/{type}),
// figures for any day as known at any time, the log, Server-Sent Event streams of events and of
// figure changes that resume without gaps or duplicates, health, readiness, Prometheus metrics
// and an OpenAPI document. Every route is listed in Routes and described in /v1/openapi.json.
//
// Errors are JSON, {"error":{"code","field","message"}}, with the HTTP status taken from
// domain.HTTPStatus: the one table of statuses. Access is by bearer token (viewer < recorder <
// admin); see Auth.
package httpapi
