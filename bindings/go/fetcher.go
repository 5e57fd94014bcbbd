package tuf

import (
	"context"
	"errors"
	"fmt"
	"io"
)

// A Fetcher downloads files for an Updater or a MultiRepo in place of libtuf's built-in
// libcurl fetcher (Config.Fetcher).
//
// Fetch downloads url and writes its body to w. libtuf enforces maxLength on what is
// written: once more than maxLength bytes arrived, w's Write fails and the download fails
// with ErrLengthExceeded, whatever Fetch returns (Fetch should then stop and return the
// error). w is valid only during the call. Fetch returns nil on success; an error matching
// ErrNotFound when the file does not exist (treated as HTTP 404: the end of the root
// update for N.root.json, a failed download otherwise); an *HTTPStatusError when a server
// answered with another status; any other error for a failure without a status. Such an
// error is returned to the caller of the Updater method as the Err of the resulting *Error.
//
// Fetch runs on the goroutine that called the Updater method, during that call, with ctx
// that call's context: it should give up when ctx is done. Updaters used from several
// goroutines call Fetch from each, one call at a time per Updater. Methods of the Updater
// it fetches for fail with ErrState when Fetch calls them; a panic in Fetch is recovered
// and fails the download.
type Fetcher interface {
	Fetch(ctx context.Context, url string, maxLength uint64, w io.Writer) error
}

// FetcherFunc is a function used as a Fetcher.
type FetcherFunc func(ctx context.Context, url string, maxLength uint64, w io.Writer) error

// Fetch calls f.
func (f FetcherFunc) Fetch(ctx context.Context, url string, maxLength uint64, w io.Writer) error {
	return f(ctx, url, maxLength, w)
}

// ErrNotFound is what a Fetcher returns (or wraps) when the file does not exist and it has
// no HTTP status to give (a local store, a database): libtuf treats it as HTTP 404
// (TUF_FETCH_NOT_FOUND).
var ErrNotFound = errors.New("tuf: file not found")

// HTTPStatusError is what a Fetcher returns when a server answered with a status other
// than 2xx: libtuf receives the status (403 and 404 end the root update normally; others
// fail the download with ErrDownload and the status in Error.HTTPStatus; with retries, 429
// and 5xx are tried again).
type HTTPStatusError struct {
	StatusCode int
	URL        string
}

func (e *HTTPStatusError) Error() string {
	return fmt.Sprintf("HTTP status %d for %s", e.StatusCode, e.URL)
}
