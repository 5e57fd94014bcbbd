package tuf_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	tuf "github.com/libtuf/libtuf/bindings/go"
)

var demoTargets = []string{"hello.txt", "docs/README.txt", "apps/app-1.0.tar.gz", "apps/app-1.1.tar.gz"}

// lookUp returns the infos of names, and each one's URL path on the demo repository's server.
func lookUp(t *testing.T, u *tuf.Updater, names []string) ([]*tuf.TargetInfo, []string) {
	t.Helper()
	var infos []*tuf.TargetInfo
	var paths []string
	for _, name := range names {
		info, err := u.GetTargetInfo(context.Background(), name)
		if err != nil {
			t.Fatalf("GetTargetInfo(%s): %v", name, err)
		}
		infos = append(infos, info)
		dir, base := filepath.Split(name)
		paths = append(paths, "/targets/"+dir+info.Hashes[0].Hex+"."+base)
	}
	return infos, paths
}

// breakAfterHalf sends half of whole, announcing all of it, then drops the connection.
func breakAfterHalf(whole []byte) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", strconv.Itoa(len(whole)))
		w.WriteHeader(http.StatusOK)
		w.Write(whole[:len(whole)/2])
		w.(http.Flusher).Flush()
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close()
		}
	}
}

func TestDownloadTargetsInParallelWithOneFailing(t *testing.T) {
	srv := serveRepo(t, demoRepo(t))
	cfg := demoConfig(t, srv)
	cfg.MaxConnections = 2
	u := newUpdater(t, cfg)
	infos, urlPaths := lookUp(t, u, demoTargets)
	// docs/README.txt is served with other bytes of the right length.
	bad := bytes.Repeat([]byte("x"), int(infos[1].Length))
	srv.handle(urlPaths[1], func(w http.ResponseWriter, r *http.Request) { w.Write(bad) })

	results, err := u.DownloadTargets(context.Background(), infos)
	if !errors.Is(err, tuf.ErrLengthOrHashMismatch) {
		t.Fatalf("DownloadTargets: %v, want ErrLengthOrHashMismatch (the failing target's)", err)
	}
	if len(results) != len(infos) {
		t.Fatalf("%d results for %d targets", len(results), len(infos))
	}
	for i, res := range results {
		if res.Info != infos[i] {
			t.Errorf("result %d is for %v", i, res.Info)
		}
		if i == 1 {
			if !errors.Is(res.Err, tuf.ErrLengthOrHashMismatch) || res.Path != "" || !strings.Contains(res.Err.Error(), "docs/README.txt") {
				t.Errorf("the corrupted target: %+v", res)
			}
			if _, err := os.Stat(filepath.Join(cfg.TargetsDir, "docs%2FREADME.txt")); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("the corrupted target is at its destination: %v", err)
			}
			continue
		}
		if res.Err != nil {
			t.Fatalf("%s: %v", demoTargets[i], res.Err)
		}
		if err := infos[i].VerifyBytes(readFile(t, res.Path)); err != nil {
			t.Errorf("%s at %s: %v", demoTargets[i], res.Path, err)
		}
	}

	// Again: the three in place succeed at once (no request), the fourth now downloads.
	srv.handle(urlPaths[1], nil)
	before := len(srv.log())
	results, err = u.DownloadTargets(context.Background(), infos)
	if err != nil {
		t.Fatalf("second DownloadTargets: %v", err)
	}
	if got := srv.log()[before:]; len(got) != 1 || got[0] != urlPaths[1] {
		t.Errorf("second DownloadTargets asked for %v, want only %s", got, urlPaths[1])
	}
	for i, res := range results {
		if res.Err != nil || res.Path == "" {
			t.Errorf("second call, %s: %+v", demoTargets[i], res)
		}
	}

	// Into another directory, from another base URL.
	other := t.TempDir()
	results, err = u.DownloadTargetsTo(context.Background(), infos[:1], other, srv.targetsURL())
	if err != nil || filepath.Dir(results[0].Path) != other {
		t.Fatalf("DownloadTargetsTo: %+v %v", results, err)
	}
}

func TestDownloadTargetPathsLooksUpAndDownloads(t *testing.T) {
	srv := serveRepo(t, demoRepo(t))
	cfg := demoConfig(t, srv)
	cfg.MaxConnections = 2
	u := newUpdater(t, cfg)

	// A path not found: every path looked up, nothing downloaded.
	missing := append(append([]string{}, demoTargets[:2]...), "no/such/target")
	results, err := u.DownloadTargetPaths(context.Background(), missing)
	if !errors.Is(err, tuf.ErrTargetNotFound) || !strings.Contains(err.Error(), "no/such/target") {
		t.Fatalf("DownloadTargetPaths: %v, want ErrTargetNotFound naming the missing path", err)
	}
	if len(results) != len(missing) {
		t.Fatalf("%d results for %d paths", len(results), len(missing))
	}
	for i, res := range results[:2] {
		if res.Path != missing[i] || res.Info == nil || res.Info.Path != missing[i] || res.File != "" || res.Err != nil {
			t.Errorf("found, not downloaded: %+v", res)
		}
	}
	if res := results[2]; res.Info != nil || !errors.Is(res.Err, tuf.ErrTargetNotFound) {
		t.Errorf("the missing path: %+v", res)
	}
	if entries, _ := os.ReadDir(cfg.TargetsDir); len(entries) != 0 {
		t.Errorf("downloaded although a path was not found: %v", entries)
	}

	// Every path found: every target in place.
	results, err = u.DownloadTargetPaths(context.Background(), demoTargets)
	if err != nil {
		t.Fatalf("DownloadTargetPaths: %v", err)
	}
	for i, res := range results {
		if res.Err != nil || res.Info == nil || res.File == "" {
			t.Fatalf("%s: %+v", demoTargets[i], res)
		}
		if _, err := os.Stat(res.File); err != nil {
			t.Errorf("%s: %v", demoTargets[i], err)
		}
	}
	if results, err := u.DownloadTargetPaths(context.Background(), nil); err != nil || results == nil || len(results) != 0 {
		t.Fatalf("no paths: %v %v", results, err)
	}
	if _, err := u.DownloadTargetPaths(context.Background(), []string{"a\x00b"}); !errors.Is(err, tuf.ErrInvalidArgument) {
		t.Fatalf("a NUL byte: %v", err)
	}
}

func TestDownloadTargetsArguments(t *testing.T) {
	srv := serveRepo(t, demoRepo(t))
	u := newUpdater(t, demoConfig(t, srv))
	results, err := u.DownloadTargets(context.Background(), nil)
	if err != nil || results == nil || len(results) != 0 {
		t.Fatalf("no targets: %v %v", results, err)
	}
	infos, _ := lookUp(t, u, demoTargets[:1])
	if results, err := u.DownloadTargets(context.Background(), []*tuf.TargetInfo{infos[0], nil}); !errors.Is(err, tuf.ErrInvalidArgument) || results != nil {
		t.Fatalf("a nil info: %v %v", results, err)
	}
	infos[0].Close()
	if _, err := u.DownloadTargets(context.Background(), infos); !errors.Is(err, tuf.ErrInvalidArgument) {
		t.Fatalf("a closed info: %v", err)
	}
	u.Close()
	if _, err := u.DownloadTargets(context.Background(), nil); !errors.Is(err, tuf.ErrState) {
		t.Fatalf("a closed updater: %v", err)
	}
}

func TestDownloadTargetsCancelledByTheContext(t *testing.T) {
	srv := serveRepo(t, demoRepo(t))
	cfg := demoConfig(t, srv)
	u := newUpdater(t, cfg)
	infos, urlPaths := lookUp(t, u, demoTargets)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	started := make(chan struct{}, len(infos))
	stalled := func(length uint64) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", strconv.FormatUint(length, 10))
			w.WriteHeader(http.StatusOK)
			w.Write([]byte("x"))
			w.(http.Flusher).Flush()
			started <- struct{}{}
			select {
			case <-r.Context().Done():
			case <-time.After(30 * time.Second):
			}
		}
	}
	for i, p := range urlPaths {
		srv.handle(p, stalled(infos[i].Length))
	}
	go func() {
		<-started
		cancel()
	}()
	start := time.Now()
	results, err := u.DownloadTargets(ctx, infos)
	if !errors.Is(err, tuf.ErrCancelled) || !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled DownloadTargets: %v, want ErrCancelled wrapping context.Canceled", err)
	}
	if time.Since(start) > 20*time.Second {
		t.Fatalf("the cancellation took %v", time.Since(start))
	}
	for i, res := range results {
		if !errors.Is(res.Err, tuf.ErrCancelled) || !errors.Is(res.Err, context.Canceled) || res.Path != "" {
			t.Errorf("%s: %+v, want cancelled", demoTargets[i], res)
		}
	}
	entries, _ := os.ReadDir(cfg.TargetsDir)
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".partial") {
			t.Errorf("%s in the targets dir after the cancellation", e.Name())
		}
	}

	// A context already done: nothing starts. The server logs a request when its handler
	// runs, so a request the cancelled call had sent may be logged after it returned: the
	// log is counted once it has stopped growing.
	before := settledLogLength(srv)
	if _, err := u.DownloadTargets(ctx, infos); !errors.Is(err, tuf.ErrCancelled) {
		t.Fatalf("DownloadTargets with a done context: %v", err)
	}
	if settledLogLength(srv) != before {
		t.Fatalf("requests with a done context: %v", srv.log()[before:])
	}
}
