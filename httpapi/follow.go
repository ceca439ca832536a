package httpapi

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/ocopledger/ocopledger/domain"
)

// Client follows the streams of a running `ocopledger serve` (/v1/stream/events,
// /v1/stream/figures) as `ocopledger watch` does.
type Client struct {
	// Server is the base URL of the server, such as http://127.0.0.1:8080.
	Server string
	// Token is the bearer token sent with each request; "" sends none.
	Token string
	// Lang asks for the server's error messages in "vi" or "en" (Accept-Language); "" asks
	// for neither.
	Lang string
	// HTTP does the requests; nil means http.DefaultClient.
	HTTP *http.Client
}

// Event is one Server-Sent Event of a stream.
type Event struct {
	ID, Event, Data string
}

// FollowOptions say where a stream starts and what Follow tells of its reconnections.
type FollowOptions struct {
	// LastEventID resumes the stream after this event ID (Last-Event-ID); "" starts from now.
	LastEventID string
	// OnReconnect, if set, is called each time the connection dropped and Follow is about to
	// connect again.
	OnReconnect func()
}

// Follow reads the stream at path (with query q) and calls fn for each event until ctx is done,
// then returns nil. After a drop it reconnects, with a growing pause, sending the ID of the last
// event it received as Last-Event-ID, so that no event is missed or repeated. It returns fn's
// error; a refusal of the server as a *domain.Error with the server's code and message (field
// "token" for a missing or refused token); and, when the server could not be reached at all
// before the first connection, the connection's error (a *net.OpError), so that the caller may
// fall back to reading the log itself.
func (c *Client) Follow(ctx context.Context, path string, q url.Values, o FollowOptions, fn func(Event) error) error {
	u := strings.TrimRight(c.Server, "/") + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	client := c.HTTP
	if client == nil {
		client = http.DefaultClient
	}
	last := o.LastEventID
	connected := false
	for attempt := 0; ; attempt++ {
		req, err := http.NewRequestWithContext(ctx, "GET", u, nil)
		if err != nil {
			return domain.Invalid("server", "%q is not the address of a server: write it like http://127.0.0.1:8080", c.Server)
		}
		req.Header.Set("Accept", "text/event-stream")
		if c.Lang != "" {
			req.Header.Set("Accept-Language", c.Lang) // the language of the server's error messages
		}
		if c.Token != "" {
			req.Header.Set("Authorization", "Bearer "+c.Token)
		}
		if last != "" {
			req.Header.Set("Last-Event-ID", last)
		}
		res, err := client.Do(req)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			if !connected {
				return err // never reached: the caller may follow the log itself
			}
		} else if res.StatusCode != 200 {
			return refusal(u, res)
		} else {
			connected, attempt = true, 0
			err = ReadEvents(res.Body, func(e Event) error {
				if e.ID != "" {
					last = e.ID
				}
				return fn(e)
			})
			res.Body.Close()
			if ctx.Err() != nil {
				return nil
			}
			if !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
				var ne net.Error
				if !errors.As(err, &ne) {
					return err
				}
			}
		}
		if o.OnReconnect != nil {
			o.OnReconnect()
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(time.Duration(min(attempt+1, 10)) * 500 * time.Millisecond):
		}
	}
}

// refusal is the error of a stream the server refused, with the server's code and message.
func refusal(u string, res *http.Response) error {
	var body errorBody
	json.NewDecoder(res.Body).Decode(&body)
	res.Body.Close()
	msg := body.Error.Message // already in the language asked for (Accept-Language)
	if msg == "" {
		msg = http.StatusText(res.StatusCode)
	}
	e := domain.Invalid("", "the server %s answered %d: %s", u, res.StatusCode, msg)
	e.Code = body.Error.Code
	if e.Code == "" {
		e.Code = domain.CodeInternal
	}
	if e.Code == domain.CodeUnauthorized || e.Code == domain.CodeForbidden {
		e.Field = "token" // what to fix
	}
	return e
}

// ReadEvents parses Server-Sent Events from r and calls fn for each event that has data, until
// r ends (its error, io.EOF at a clean end) or fn fails.
func ReadEvents(r io.Reader, fn func(Event) error) error {
	br := bufio.NewReader(r)
	var id, event string
	var data []string
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			return err
		}
		line = strings.TrimRight(line, "\r\n")
		switch {
		case line == "":
			if len(data) > 0 {
				if err := fn(Event{ID: id, Event: event, Data: strings.Join(data, "\n")}); err != nil {
					return err
				}
			}
			event, data = "", nil
		case strings.HasPrefix(line, ":"):
		default:
			k, v, _ := strings.Cut(line, ":")
			v = strings.TrimPrefix(v, " ")
			switch k {
			case "id":
				id = v
			case "event":
				event = v
			case "data":
				data = append(data, v)
			}
		}
	}
}
