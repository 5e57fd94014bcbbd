package tuf_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	tuf "github.com/libtuf/libtuf/bindings/go"
	"github.com/libtuf/libtuf/bindings/go/httpfetch"
)

// dirFetcher serves URLs under base from a directory, as a local store would.
func dirFetcher(base, dir string, calls *atomic.Int32) tuf.Fetcher {
	return tuf.FetcherFunc(func(ctx context.Context, url string, maxLength uint64, w io.Writer) error {
		calls.Add(1)
		rel, ok := strings.CutPrefix(url, base)
		if !ok {
			return fmt.Errorf("unexpected URL %s", url)
		}
		f, err := os.Open(filepath.Join(dir, rel))
		if errors.Is(err, os.ErrNotExist) {
			return tuf.ErrNotFound
		}
		if err != nil {
			return err
		}
		defer f.Close()
		_, err = io.Copy(w, f)
		return err
	})
}

func TestCustomFetcher(t *testing.T) {
	var calls atomic.Int32
	dir := t.TempDir()
	cfg := tuf.Config{
		MetadataDir:    filepath.Join(dir, "metadata"),
		MetadataURL:    "store://demo/metadata/",
		TargetsDir:     filepath.Join(dir, "targets"),
		TargetsBaseURL: "store://demo/targets/",
		BootstrapRoot:  readFile(t, filepath.Join(demoRepo(t), "root.json")),
		Fetcher:        dirFetcher("store://demo/", demoRepo(t), &calls),
	}
	u := newUpdater(t, cfg)
	info, err := u.GetTargetInfo(context.Background(), "apps/app-1.1.tar.gz")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := u.DownloadTarget(context.Background(), info, ""); err != nil {
		t.Fatal(err)
	}
	// 2.root.json (not found), timestamp, snapshot, targets, apps, the target.
	if n := calls.Load(); n != 6 {
		t.Fatalf("%d fetches", n)
	}
	// ErrNotFound for a target: a download error with status 404.
	_, err = u.DownloadTargetFrom(context.Background(), info, "", "store://elsewhere/")
	var e *tuf.Error
	if !errors.Is(err, tuf.ErrDownload) || !errors.As(err, &e) {
		t.Fatalf("unexpected URL: %v", err)
	}
	if !strings.Contains(err.Error(), "unexpected URL store://elsewhere/") {
		t.Fatalf("the fetcher's error is not in the message: %v", err)
	}
}

func TestFetcherStatusAndErrors(t *testing.T) {
	for _, tc := range []struct {
		name   string
		err    error
		status int
		is     error
	}{
		{"status 503", &tuf.HTTPStatusError{StatusCode: 503}, 503, tuf.ErrDownload},
		{"status 403 wrapped", fmt.Errorf("wrapped: %w", &tuf.HTTPStatusError{StatusCode: 403}), 403, tuf.ErrDownload},
		{"not found", tuf.ErrNotFound, 404, tuf.ErrDownload},
		{"plain error", errors.New("disk on fire"), 0, tuf.ErrDownload},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			u := newUpdater(t, tuf.Config{
				MetadataDir:   dir,
				MetadataURL:   "store://x/",
				BootstrapRoot: readFile(t, filepath.Join(demoRepo(t), "root.json")),
				Fetcher: tuf.FetcherFunc(func(ctx context.Context, url string, maxLength uint64, w io.Writer) error {
					if strings.HasSuffix(url, "2.root.json") {
						return tuf.ErrNotFound
					}
					return tc.err
				}),
			})
			err := u.Refresh(context.Background())
			var e *tuf.Error
			if !errors.Is(err, tc.is) || !errors.As(err, &e) || e.HTTPStatus != tc.status || e.URL != "store://x/timestamp.json" {
				t.Fatalf("got %v (%#v)", err, e)
			}
			if !errors.Is(err, tc.err) {
				t.Fatalf("the fetcher's error is not wrapped: %v", err)
			}
		})
	}
}

// A fetcher that writes more than allowed: the write fails and so does the download, with
// ErrLengthExceeded whatever the fetcher returns.
func TestFetcherOverlongWrite(t *testing.T) {
	dir := t.TempDir()
	u := newUpdater(t, tuf.Config{
		MetadataDir:   dir,
		MetadataURL:   "store://x/",
		BootstrapRoot: readFile(t, filepath.Join(demoRepo(t), "root.json")),
		Fetcher: tuf.FetcherFunc(func(ctx context.Context, url string, maxLength uint64, w io.Writer) error {
			if strings.HasSuffix(url, "2.root.json") {
				return tuf.ErrNotFound
			}
			buf := make([]byte, 1000)
			for {
				if _, err := w.Write(buf); err != nil {
					return nil // ignores the error: libtuf fails the download anyway
				}
			}
		}),
	})
	if err := u.Refresh(context.Background()); !errors.Is(err, tuf.ErrLengthExceeded) {
		t.Fatalf("overlong: %v", err)
	}
}

// Retries apply to Go fetchers: a transient 503 is tried again.
func TestFetcherRetries(t *testing.T) {
	var calls atomic.Int32
	var failures atomic.Int32
	inner := dirFetcher("store://demo/", demoRepo(t), &calls)
	dir := t.TempDir()
	u := newUpdater(t, tuf.Config{
		MetadataDir:   dir,
		MetadataURL:   "store://demo/metadata/",
		BootstrapRoot: readFile(t, filepath.Join(demoRepo(t), "root.json")),
		Retries:       3,
		RetryBackoff:  time.Millisecond,
		Fetcher: tuf.FetcherFunc(func(ctx context.Context, url string, maxLength uint64, w io.Writer) error {
			if strings.HasSuffix(url, "timestamp.json") && failures.Add(1) <= 2 {
				return &tuf.HTTPStatusError{StatusCode: 503, URL: url}
			}
			return inner.Fetch(ctx, url, maxLength, w)
		}),
	})
	if err := u.Refresh(context.Background()); err != nil {
		t.Fatalf("refresh with two transient failures: %v", err)
	}
	if failures.Load() != 3 {
		t.Fatalf("timestamp fetched %d times", failures.Load())
	}
}

// httpfetch.Fetcher: net/http in place of libcurl, with statuses mapped.
func TestHTTPFetch(t *testing.T) {
	srv := serveRepo(t, demoRepo(t))
	cfg := demoConfig(t, srv)
	cfg.Fetcher = &httpfetch.Fetcher{Header: map[string][]string{"X-Go": {"yes"}}}
	u := newUpdater(t, cfg)
	info, err := u.GetTargetInfo(context.Background(), "apps/app-1.0.tar.gz")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := u.DownloadTarget(context.Background(), info, ""); err != nil {
		t.Fatal(err)
	}
	_, err = u.DownloadTargetFrom(context.Background(), info, "", srv.URL+"/nowhere/")
	var e *tuf.Error
	var se *tuf.HTTPStatusError
	if !errors.As(err, &e) || e.HTTPStatus != 404 || !errors.As(err, &se) || se.StatusCode != 404 {
		t.Fatalf("404 through httpfetch.Fetcher: %v", err)
	}
}
