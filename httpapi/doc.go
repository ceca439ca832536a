// Package httpapi is the HTTP interface of ocopledger: recording events (POST /v1/events/{type}),
// figures for any day as known at any time, the log, Server-Sent Event streams of events and of
// figure changes that resume without gaps or duplicates, health, readiness, Prometheus metrics
// and an OpenAPI document. Every route is listed in Routes and described in /v1/openapi.json.
//
// Errors are JSON, {"error":{"code","field","message","message_en"}}, with the HTTP status taken
// from domain.HTTPStatus (the one table of statuses), or 413, 415 or 501 where those say it
// better. message is in Vietnamese unless the request asks for English (?lang=en, which every
// endpoint takes, or an Accept-Language that prefers English); message_en is always English.
// WriteError answers them; parts mounted beside the API (webhooks) use it too. Access is by
// bearer token (viewer < recorder < admin); see Auth.
package httpapi
