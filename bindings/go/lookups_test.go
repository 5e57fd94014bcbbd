package tuf_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	tuf "github.com/libtuf/libtuf/bindings/go"
)

// count is the number of times path was asked for.
func (s *repoServer) count(path string) int {
	n := 0
	for _, p := range s.log() {
		if p == path {
			n++
		}
	}
	return n
}

// checkFound checks that res is path found as GetTargetInfo finds it.
func checkFound(t *testing.T, u *tuf.Updater, res tuf.LookupResult, path string) {
	t.Helper()
	if res.Path != path || res.Err != nil || res.Info == nil {
		t.Fatalf("%s: %+v, want found", path, res)
	}
	single, err := u.GetTargetInfo(context.Background(), path)
	if err != nil {
		t.Fatalf("GetTargetInfo(%s): %v", path, err)
	}
	if res.Info.Path != single.Path || res.Info.Role != single.Role || res.Info.Length != single.Length ||
		!reflect.DeepEqual(res.Info.Hashes, single.Hashes) || string(res.Info.Custom) != string(single.Custom) {
		t.Errorf("%s: GetTargetInfos gave %+v, GetTargetInfo %+v", path, res.Info, single)
	}
}

func TestGetTargetInfosFoundAndNotFound(t *testing.T) {
	srv := serveRepo(t, demoRepo(t))
	cfg := demoConfig(t, srv)
	u := newUpdater(t, cfg)
	paths := []string{"hello.txt", "no-such-target", "apps/app-1.0.tar.gz", "apps/app-9.9.tar.gz", "docs/README.txt"}
	results, err := u.GetTargetInfos(context.Background(), paths)
	var e *tuf.Error
	if !errors.Is(err, tuf.ErrTargetNotFound) || !errors.As(err, &e) || e.Code != tuf.CodeTargetNotFound {
		t.Fatalf("GetTargetInfos: %v, want ErrTargetNotFound (the first path not found)", err)
	}
	if !strings.Contains(e.Message, "no-such-target") || !strings.Contains(e.Message, "2 of 5") {
		t.Errorf("the call's error does not name the first path not found and the count: %q", e.Message)
	}
	if len(results) != len(paths) {
		t.Fatalf("%d results for %d paths", len(results), len(paths))
	}
	for i, res := range results {
		if res.Path != paths[i] {
			t.Fatalf("result %d is for %q, want %q", i, res.Path, paths[i])
		}
		if i == 1 || i == 3 {
			var re *tuf.Error
			if res.Info != nil || !errors.Is(res.Err, tuf.ErrTargetNotFound) || !errors.As(res.Err, &re) ||
				re.Code != tuf.CodeTargetNotFound || !strings.Contains(re.Message, paths[i]) || re.Err != nil {
				t.Errorf("%s: %+v, want not found", paths[i], res)
			}
			continue
		}
		checkFound(t, u, res, paths[i])
	}
	if results[2].Info.Role != "apps" || results[0].Info.Role != "targets" {
		t.Errorf("roles: %q %q", results[0].Info.Role, results[2].Info.Role)
	}
	// The infos are owned: they download, and Close frees them early.
	path, err := u.DownloadTarget(context.Background(), results[2].Info, "")
	if err != nil {
		t.Fatalf("DownloadTarget of a looked-up info: %v", err)
	}
	if err := results[2].Info.VerifyBytes(readFile(t, path)); err != nil {
		t.Fatal(err)
	}
	for _, res := range results {
		if res.Info != nil {
			res.Info.Close()
		}
	}
}

func TestGetTargetInfosAllFound(t *testing.T) {
	srv := serveRepo(t, demoRepo(t))
	cfg := demoConfig(t, srv)
	cfg.MaxConnections = 2
	u := newUpdater(t, cfg)
	// It refreshes first; the delegated role two lookups need is fetched once.
	results, err := u.GetTargetInfos(context.Background(), demoTargets)
	if err != nil {
		t.Fatalf("GetTargetInfos: %v", err)
	}
	if len(results) != len(demoTargets) {
		t.Fatalf("%d results for %d paths", len(results), len(demoTargets))
	}
	if n := srv.count("/metadata/timestamp.json"); n != 1 {
		t.Errorf("timestamp.json fetched %d times: %v", n, srv.log())
	}
	if n := srv.count("/metadata/1.apps.json"); n != 1 {
		t.Errorf("1.apps.json fetched %d times: %v", n, srv.log())
	}
	before := len(srv.log())
	for i, res := range results {
		checkFound(t, u, res, demoTargets[i])
	}
	if got := srv.log()[before:]; len(got) != 0 {
		t.Errorf("the single lookups after the batch asked for %v", got)
	}

	// The same paths twice, and again with the metadata already trusted: no request.
	twice := append(append([]string(nil), demoTargets...), demoTargets...)
	results, err = u.GetTargetInfos(context.Background(), twice)
	if err != nil || len(results) != len(twice) {
		t.Fatalf("GetTargetInfos again: %d results, %v", len(results), err)
	}
	for i, res := range results {
		if res.Err != nil || res.Info == nil || res.Info.Path != twice[i] {
			t.Errorf("again, %s: %+v", twice[i], res)
		}
	}
	if got := srv.log()[before:]; len(got) != 0 {
		t.Errorf("the second batch asked for %v", got)
	}
}

func TestGetTargetInfosEmpty(t *testing.T) {
	srv := serveRepo(t, demoRepo(t))
	u := newUpdater(t, demoConfig(t, srv))
	for _, paths := range [][]string{nil, {}} {
		results, err := u.GetTargetInfos(context.Background(), paths)
		if err != nil || results == nil || len(results) != 0 {
			t.Fatalf("GetTargetInfos(%#v): %#v %v, want an empty slice and no error", paths, results, err)
		}
	}
}

func TestGetTargetInfosArguments(t *testing.T) {
	srv := serveRepo(t, demoRepo(t))
	u := newUpdater(t, demoConfig(t, srv))
	// A NUL byte is refused before libtuf is called: no request.
	results, err := u.GetTargetInfos(context.Background(), []string{"hello.txt", "evil\x00.txt"})
	if !errors.Is(err, tuf.ErrInvalidArgument) || results != nil || !strings.Contains(err.Error(), "NUL") {
		t.Fatalf("a NUL byte: %v %v", results, err)
	}
	if got := srv.log(); len(got) != 0 {
		t.Fatalf("requests for a refused path: %v", got)
	}
	// libtuf refuses a path that is not UTF-8 before looking anything up.
	results, err = u.GetTargetInfos(context.Background(), []string{"hello.txt", "bad\xff.txt"})
	if !errors.Is(err, tuf.ErrInvalidArgument) || results != nil {
		t.Fatalf("not UTF-8: %v %v", results, err)
	}
	u.Close()
	if results, err := u.GetTargetInfos(context.Background(), []string{"hello.txt"}); !errors.Is(err, tuf.ErrState) || results != nil {
		t.Fatalf("a closed updater: %v %v", results, err)
	}
}

func TestGetTargetInfosRefreshFails(t *testing.T) {
	srv := serveRepo(t, demoRepo(t))
	srv.handle("/metadata/timestamp.json", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "down", http.StatusInternalServerError)
	})
	u := newUpdater(t, demoConfig(t, srv))
	// The refresh that has to run first fails: nothing is looked up, the results are nil.
	results, err := u.GetTargetInfos(context.Background(), []string{"hello.txt", "no-such-target"})
	var e *tuf.Error
	if !errors.Is(err, tuf.ErrDownload) || !errors.As(err, &e) || e.HTTPStatus != 500 || results != nil {
		t.Fatalf("GetTargetInfos with a failing refresh: %v %v, want nil results and ErrDownload (500)", results, err)
	}
	if results, err := u.GetTargetInfos(context.Background(), nil); !errors.Is(err, tuf.ErrDownload) || results != nil {
		t.Fatalf("no paths, failing refresh: %v %v", results, err)
	}
	// The server is back: the next call refreshes and looks up.
	srv.handle("/metadata/timestamp.json", nil)
	results, err = u.GetTargetInfos(context.Background(), []string{"hello.txt"})
	if err != nil || len(results) != 1 || results[0].Info == nil {
		t.Fatalf("after the server is back: %v %v", results, err)
	}
}

func TestGetTargetInfosCancelledByTheContext(t *testing.T) {
	srv := serveRepo(t, demoRepo(t))
	u := newUpdater(t, demoConfig(t, srv))
	if err := u.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	started := make(chan struct{}, 4)
	srv.handle("/metadata/1.apps.json", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusOK)
		w.Write([]byte("{"))
		w.(http.Flusher).Flush()
		started <- struct{}{}
		select {
		case <-r.Context().Done():
		case <-time.After(30 * time.Second):
		}
	})
	go func() {
		<-started
		cancel()
	}()
	paths := []string{"hello.txt", "apps/app-1.0.tar.gz", "apps/app-1.1.tar.gz", "no-such-target"}
	start := time.Now()
	results, err := u.GetTargetInfos(ctx, paths)
	if !errors.Is(err, tuf.ErrCancelled) || !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled GetTargetInfos: %v, want ErrCancelled wrapping context.Canceled", err)
	}
	if time.Since(start) > 20*time.Second {
		t.Fatalf("the cancellation took %v", time.Since(start))
	}
	if len(results) != len(paths) {
		t.Fatalf("%d results for %d paths", len(results), len(paths))
	}
	// hello.txt is listed by the top-level targets role, which the refresh had trusted.
	if results[0].Err != nil || results[0].Info == nil {
		t.Errorf("hello.txt: %+v", results[0])
	}
	for _, res := range results[1:3] {
		if res.Info != nil || !errors.Is(res.Err, tuf.ErrCancelled) || !errors.Is(res.Err, context.Canceled) {
			t.Errorf("%s: %+v, want cancelled", res.Path, res)
		}
	}
	// Not found, or cancelled if its search had to go on into the delegated role: never
	// found.
	if last := results[3]; last.Info != nil || !(errors.Is(last.Err, tuf.ErrTargetNotFound) || errors.Is(last.Err, tuf.ErrCancelled)) {
		t.Errorf("no-such-target: %+v", last)
	}

	// A context already done: nothing starts, nothing is looked up (the log counted once a
	// request the cancelled call had sent can no longer be logged late).
	before := settledLogLength(srv)
	results, err = u.GetTargetInfos(ctx, paths)
	if !errors.Is(err, tuf.ErrCancelled) || !errors.Is(err, context.Canceled) || results != nil {
		t.Fatalf("GetTargetInfos with a done context: %v %v", results, err)
	}
	if settledLogLength(srv) != before {
		t.Fatalf("requests with a done context: %v", srv.log()[before:])
	}

	// With a live context the delegated role is fetched again and the lookups succeed.
	srv.handle("/metadata/1.apps.json", nil)
	results, err = u.GetTargetInfos(context.Background(), paths[:3])
	if err != nil {
		t.Fatalf("GetTargetInfos after the cancellation: %v", err)
	}
	for i, res := range results {
		checkFound(t, u, res, paths[i])
	}
}

// demoStoreConfig is a Config over the demo repository through a Fetcher that reads its files
// (store://demo/...), calling hook first with each URL: an error from hook is the fetch's.
func demoStoreConfig(t *testing.T, hook func(ctx context.Context, url string) error) tuf.Config {
	var calls atomic.Int32
	store := dirFetcher("store://demo/", demoRepo(t), &calls)
	return tuf.Config{
		MetadataDir:   filepath.Join(t.TempDir(), "metadata"),
		MetadataURL:   "store://demo/metadata/",
		BootstrapRoot: readFile(t, filepath.Join(demoRepo(t), "root.json")),
		Fetcher: tuf.FetcherFunc(func(ctx context.Context, url string, maxLength uint64, w io.Writer) error {
			if err := hook(ctx, url); err != nil {
				return err
			}
			return store.Fetch(ctx, url, maxLength, w)
		}),
	}
}

func TestGetTargetInfosFetcherError(t *testing.T) {
	errStore := errors.New("the store is down")
	u := newUpdater(t, demoStoreConfig(t, func(_ context.Context, url string) error {
		if strings.HasSuffix(url, "/1.apps.json") {
			return errStore
		}
		return nil
	}))
	paths := []string{"hello.txt", "apps/app-1.0.tar.gz", "docs/README.txt"}
	results, err := u.GetTargetInfos(context.Background(), paths)
	if !errors.Is(err, tuf.ErrDownload) || !errors.Is(err, errStore) {
		t.Fatalf("GetTargetInfos: %v, want ErrDownload wrapping the Fetcher's error", err)
	}
	if len(results) != len(paths) {
		t.Fatalf("%d results for %d paths", len(results), len(paths))
	}
	for _, i := range []int{0, 2} {
		if results[i].Err != nil || results[i].Info == nil {
			t.Errorf("%s: %+v", paths[i], results[i])
		}
	}
	var e *tuf.Error
	if res := results[1]; res.Info != nil || !errors.Is(res.Err, tuf.ErrDownload) || !errors.Is(res.Err, errStore) ||
		!errors.As(res.Err, &e) || e.URL != "store://demo/metadata/1.apps.json" {
		t.Errorf("%s: %+v, want ErrDownload wrapping the Fetcher's error", res.Path, res)
	}
}

// Repositories written by python-tuf with many delegated roles: every target looked up at
// once, as GetTargetInfo finds it, each metadata file fetched once, the delegated roles
// several at a time (at most Config.MaxConnections).
func TestGetTargetInfosGeneratedRepositories(t *testing.T) {
	py := python(t)
	for _, args := range [][]string{
		{"--workload", "hashbins", "--bins", "16", "--targets", "64", "--bin-style", "succinct"},
		{"--workload", "deep", "--depth", "4"},
	} {
		t.Run(strings.Join(args[1:], "-"), func(t *testing.T) {
			repo := genRepo(t, py, args)
			var names []string
			entries, _ := os.ReadDir(filepath.Join(repo, "targets"))
			for _, e := range entries {
				names = append(names, e.Name()[65:]) // HASH.NAME
			}
			names = append(names, "no-such-target")

			srv := serveRepo(t, repo)
			// Each delegated role is served slowly, counting the transfers at the same time.
			var mu sync.Mutex
			inFlight, most := 0, 0
			metadata, _ := os.ReadDir(filepath.Join(repo, "metadata"))
			for _, e := range metadata {
				name := e.Name()
				if name == "timestamp.json" || strings.HasSuffix(name, ".root.json") ||
					strings.HasSuffix(name, ".snapshot.json") || strings.HasSuffix(name, ".targets.json") {
					continue
				}
				srv.handle("/metadata/"+name, func(w http.ResponseWriter, r *http.Request) {
					mu.Lock()
					inFlight++
					most = max(most, inFlight)
					mu.Unlock()
					time.Sleep(50 * time.Millisecond)
					http.ServeFile(w, r, filepath.Join(repo, "metadata", name))
					mu.Lock()
					inFlight--
					mu.Unlock()
				})
			}
			const connections = 4
			cfg := func(srv *repoServer) tuf.Config {
				dir := t.TempDir()
				return tuf.Config{
					MetadataDir:    filepath.Join(dir, "metadata"),
					MetadataURL:    srv.metadataURL(),
					BootstrapRoot:  readFile(t, filepath.Join(repo, "root.json")),
					MaxDelegations: 1024,
					MaxConnections: connections,
				}
			}
			u := newUpdater(t, cfg(srv))
			results, err := u.GetTargetInfos(context.Background(), names)
			if !errors.Is(err, tuf.ErrTargetNotFound) || !strings.Contains(err.Error(), fmt.Sprintf("1 of %d", len(names))) {
				t.Fatalf("GetTargetInfos: %v, want ErrTargetNotFound for the last path only", err)
			}
			if len(results) != len(names) {
				t.Fatalf("%d results for %d paths", len(results), len(names))
			}
			seen := map[string]int{}
			for _, p := range srv.log() {
				seen[p]++
			}
			for p, n := range seen {
				if n != 1 {
					t.Errorf("%s asked for %d times", p, n)
				}
			}
			mu.Lock()
			parallel := most
			mu.Unlock()
			t.Logf("%d paths, at most %d delegated roles fetched at the same time", len(names), parallel)
			if args[1] == "hashbins" && (parallel < 2 || parallel > connections) {
				t.Errorf("at most %d delegated roles fetched at the same time, want 2 to %d", parallel, connections)
			}

			// The same answers, one by one, from another updater.
			single := newUpdater(t, cfg(serveRepo(t, repo)))
			last := len(names) - 1
			if res := results[last]; res.Info != nil || !errors.Is(res.Err, tuf.ErrTargetNotFound) {
				t.Errorf("%s: %+v", res.Path, res)
			}
			for i, res := range results[:last] {
				info, err := single.GetTargetInfo(context.Background(), names[i])
				if err != nil {
					t.Fatalf("GetTargetInfo(%s): %v", names[i], err)
				}
				if res.Path != names[i] || res.Err != nil || res.Info == nil || res.Info.Role != info.Role ||
					res.Info.Length != info.Length || !reflect.DeepEqual(res.Info.Hashes, info.Hashes) {
					t.Errorf("%s: GetTargetInfos gave %+v, GetTargetInfo %+v", names[i], res, info)
				}
			}
		})
	}
}

// A Fetcher that calls GetTargetInfos on its own Updater gets ErrState and no results; a
// Fetcher that panics fails the lookups that needed what it fetched, with the panic inside.
func TestGetTargetInfosCallbacks(t *testing.T) {
	var u *tuf.Updater
	var inner []tuf.LookupResult
	var innerErr error
	u = newUpdater(t, demoStoreConfig(t, func(ctx context.Context, url string) error {
		if strings.HasSuffix(url, "/1.apps.json") {
			inner, innerErr = u.GetTargetInfos(ctx, []string{"hello.txt"})
			panic("store bug")
		}
		return nil
	}))
	results, err := u.GetTargetInfos(context.Background(), []string{"apps/app-1.0.tar.gz", "hello.txt"})
	if !errors.Is(innerErr, tuf.ErrState) || inner != nil {
		t.Errorf("GetTargetInfos from the Fetcher: %v %v, want ErrState and no results", inner, innerErr)
	}
	var p *tuf.CallbackPanicError
	if !errors.Is(err, tuf.ErrDownload) || !errors.As(err, &p) || p.Value != "store bug" {
		t.Fatalf("GetTargetInfos: %v, want ErrDownload with the Fetcher's panic", err)
	}
	if len(results) != 2 {
		t.Fatalf("%d results", len(results))
	}
	p = nil
	if res := results[0]; res.Info != nil || !errors.Is(res.Err, tuf.ErrDownload) || !errors.As(res.Err, &p) || p.Callback != "fetch" {
		t.Errorf("%s: %+v, want ErrDownload with the Fetcher's panic", res.Path, res)
	}
	if res := results[1]; res.Err != nil || res.Info == nil || res.Info.Path != "hello.txt" {
		t.Errorf("%s: %+v", res.Path, res)
	}
}
