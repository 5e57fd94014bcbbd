// Package httpfetch is a tuf.Fetcher over net/http: Go's HTTP client in place of libtuf's
// libcurl, with its proxy, TLS and transport settings. It is a package of its own so that
// programs using the tuf package alone do not link net/http.
package httpfetch

import (
	"context"
	"io"
	"net/http"

	tuf "github.com/libtuf/libtuf/bindings/go"
)

var _ tuf.Fetcher = (*Fetcher)(nil)

// Fetcher is a tuf.Fetcher over net/http, for programs that want Go's HTTP stack (its
// proxy, TLS and transport settings) instead of libcurl's. It is safe for concurrent use.
type Fetcher struct {
	// Client sends the requests; nil means http.DefaultClient.
	Client *http.Client
	// Header is added to every request.
	Header http.Header
}

// Fetch implements tuf.Fetcher: a GET of url, the body copied to w (at most maxLength+1 bytes
// are read, so that libtuf sees an overlong body and fails it).
func (f *Fetcher) Fetch(ctx context.Context, url string, maxLength uint64, w io.Writer) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	for name, values := range f.Header {
		for _, v := range values {
			req.Header.Add(name, v)
		}
	}
	client := f.Client
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return &tuf.HTTPStatusError{StatusCode: resp.StatusCode, URL: url}
	}
	limit := int64(maxLength)
	if limit < 0 || limit == 1<<63-1 {
		limit = 1<<63 - 2
	}
	_, err = io.Copy(w, io.LimitReader(resp.Body, limit+1))
	return err
}
