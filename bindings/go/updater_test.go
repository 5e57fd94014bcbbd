package tuf_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	tuf "github.com/libtuf/libtuf/bindings/go"
)

// demoConfig is the configuration of an updater of the demo repository served by srv,
// with a fresh cache.
func demoConfig(t *testing.T, srv *repoServer) tuf.Config {
	dir := t.TempDir()
	return tuf.Config{
		MetadataDir:    filepath.Join(dir, "metadata"),
		MetadataURL:    srv.metadataURL(),
		TargetsDir:     filepath.Join(dir, "targets"),
		TargetsBaseURL: srv.targetsURL(),
		BootstrapRoot:  readFile(t, filepath.Join(demoRepo(t), "root.json")),
	}
}

func newUpdater(t *testing.T, cfg tuf.Config) *tuf.Updater {
	t.Helper()
	u, err := tuf.NewUpdater(cfg)
	if err != nil {
		t.Fatalf("NewUpdater: %v", err)
	}
	t.Cleanup(func() { u.Close() })
	return u
}

func TestDemoRepositoryOverHTTP(t *testing.T) {
	srv := serveRepo(t, demoRepo(t))
	cfg := demoConfig(t, srv)
	u := newUpdater(t, cfg)
	ctx := context.Background()
	if err := u.Refresh(ctx); err != nil {
		t.Fatalf("Refresh: %v", err)
	}
	for _, name := range []string{"hello.txt", "docs/README.txt", "apps/app-1.0.tar.gz", "apps/app-1.1.tar.gz"} {
		info, err := u.GetTargetInfo(ctx, name)
		if err != nil {
			t.Fatalf("GetTargetInfo(%s): %v", name, err)
		}
		if info.Path != name || info.Length == 0 || len(info.Hashes) == 0 || info.Hashes[0].Algorithm != "sha256" {
			t.Fatalf("GetTargetInfo(%s) = %+v", name, info)
		}
		wantRole := "targets"
		if strings.HasPrefix(name, "apps/") {
			wantRole = "apps"
		}
		if info.Role != wantRole {
			t.Errorf("%s: role %q, want %q", name, info.Role, wantRole)
		}
		if _, cached, err := u.FindCachedTarget(info, ""); err != nil || cached {
			t.Fatalf("FindCachedTarget before the download: %v %v", cached, err)
		}
		path, err := u.DownloadTarget(ctx, info, "")
		if err != nil {
			t.Fatalf("DownloadTarget(%s): %v", name, err)
		}
		repoFile := filepath.Join(demoRepo(t), "targets", filepath.Dir(name), info.Hashes[0].Hex+"."+filepath.Base(name))
		got := readFile(t, path)
		if !bytes.Equal(got, readFile(t, repoFile)) {
			t.Fatalf("%s: downloaded bytes differ from %s", name, repoFile)
		}
		if err := info.VerifyBytes(got); err != nil {
			t.Fatalf("VerifyBytes: %v", err)
		}
		if err := info.VerifyBytes(append(got, 'x')); !errors.Is(err, tuf.ErrLengthOrHashMismatch) {
			t.Fatalf("VerifyBytes of other bytes: %v", err)
		}
		if cachedPath, cached, err := u.FindCachedTarget(info, ""); err != nil || !cached || cachedPath != path {
			t.Fatalf("FindCachedTarget after the download: %q %v %v", cachedPath, cached, err)
		}
	}
	// The delegated role was fetched once, lazily.
	n := 0
	for _, p := range srv.log() {
		if p == "/metadata/1.apps.json" {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("1.apps.json fetched %d times: %v", n, srv.log())
	}
	_, err := u.GetTargetInfo(ctx, "no-such-target")
	if !errors.Is(err, tuf.ErrTargetNotFound) {
		t.Fatalf("unknown target: %v", err)
	}
}

func TestClosedUpdater(t *testing.T) {
	srv := serveRepo(t, demoRepo(t))
	u := newUpdater(t, demoConfig(t, srv))
	if err := u.Close(); err != nil {
		t.Fatal(err)
	}
	if err := u.Close(); err != nil {
		t.Fatal("second Close:", err)
	}
	if err := u.Refresh(context.Background()); !errors.Is(err, tuf.ErrState) {
		t.Fatalf("Refresh after Close: %v", err)
	}
}

func TestNewUpdaterErrors(t *testing.T) {
	srv := serveRepo(t, demoRepo(t))
	cfg := demoConfig(t, srv)
	cfg.BootstrapRoot = []byte("not json")
	if _, err := tuf.NewUpdater(cfg); !errors.Is(err, tuf.ErrInvalidMetadata) && !errors.Is(err, tuf.ErrInvalidArgument) {
		t.Fatalf("junk root: %v", err)
	}
	cfg = demoConfig(t, srv)
	cfg.Retries = 101
	if _, err := tuf.NewUpdater(cfg); !errors.Is(err, tuf.ErrInvalidArgument) {
		t.Fatalf("101 retries: %v", err)
	}
	cfg = demoConfig(t, srv)
	cfg.Headers = []tuf.Header{{Name: "Host", Value: "x"}}
	if _, err := tuf.NewUpdater(cfg); !errors.Is(err, tuf.ErrInvalidArgument) {
		t.Fatalf("reserved header: %v", err)
	}
	cfg = demoConfig(t, srv)
	cfg.MetadataDir += "\x00evil"
	if _, err := tuf.NewUpdater(cfg); !errors.Is(err, tuf.ErrInvalidArgument) {
		t.Fatalf("NUL in a path: %v", err)
	}
	cfg = demoConfig(t, srv)
	cfg.ClientKey = "key.pem"
	if _, err := tuf.NewUpdater(cfg); !errors.Is(err, tuf.ErrInvalidArgument) {
		t.Fatalf("client key without a certificate: %v", err)
	}
}

// TestEveryConfigSetting sets every Config field, so that each setter runs; the updater
// still works (the transport settings do not apply to file://).
func TestEveryConfigSetting(t *testing.T) {
	srv := serveRepo(t, demoRepo(t))
	cfg := demoConfig(t, srv)
	proxy := ""
	redirects := uint32(3)
	cfg.MaxRootRotations = 10
	cfg.MaxDelegations = 8
	cfg.RootMaxLength = 1 << 20
	cfg.TimestampMaxLength = 1 << 20
	cfg.SnapshotMaxLength = 1 << 20
	cfg.TargetsMaxLength = 1 << 20
	cfg.SyncAllWrites = true
	cfg.StrictKeyids = false
	cfg.ReferenceTime = time.Now()
	cfg.UserAgent = "gotest/1"
	cfg.ConnectTimeout = 5 * time.Second
	cfg.MinSpeed = &tuf.MinSpeed{BytesPerSecond: 1, Duration: 10 * time.Second}
	cfg.MaxRedirects = &redirects
	timeout, lockTimeout := time.Minute, 5*time.Second
	cfg.Timeout = &timeout
	cfg.LockTimeout = &lockTimeout
	cfg.Proxy = &proxy
	cfg.Headers = []tuf.Header{{Name: "X-Test", Value: "1"}, {Name: "X-Test", Value: "2"}}
	cfg.Retries = 2
	cfg.RetryBackoff = 10 * time.Millisecond
	var mu sync.Mutex
	var headers []string
	srv.handle("/metadata/timestamp.json", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		headers = append(headers, r.Header.Values("X-Test")...)
		headers = append(headers, r.UserAgent())
		mu.Unlock()
		http.ServeFile(w, r, filepath.Join(demoRepo(t), "metadata", "timestamp.json"))
	})
	u := newUpdater(t, cfg)
	if err := u.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	got := append([]string(nil), headers...)
	mu.Unlock()
	if len(got) != 3 || got[0] != "1" || got[1] != "2" || !strings.HasPrefix(got[2], "gotest/1 libtuf/") {
		t.Fatalf("request headers: %q", got)
	}
	info, err := u.GetTargetInfo(context.Background(), "hello.txt")
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "hello")
	if _, err := u.DownloadTargetFrom(context.Background(), info, out, srv.targetsURL()); err != nil {
		t.Fatal(err)
	}
	if p, ok, err := u.FindCachedTarget(info, out); !ok || err != nil || p != out {
		t.Fatalf("FindCachedTarget(%s): %q %v %v", out, p, ok, err)
	}

	// The in-memory CA and client certificate are checked when set.
	cfg = demoConfig(t, srv)
	cfg.CAPEM = []byte("not PEM")
	if _, err := tuf.NewUpdater(cfg); !errors.Is(err, tuf.ErrInvalidArgument) {
		t.Fatalf("CAPEM: %v", err)
	}
	cfg = demoConfig(t, srv)
	cfg.ClientCertPEM = []byte("not PEM")
	if _, err := tuf.NewUpdater(cfg); !errors.Is(err, tuf.ErrInvalidArgument) {
		t.Fatalf("ClientCertPEM: %v", err)
	}
	cfg = demoConfig(t, srv)
	cfg.CAFile = filepath.Join(t.TempDir(), "missing-ca.pem")
	if _, err := tuf.NewUpdater(cfg); !errors.Is(err, tuf.ErrInvalidArgument) {
		t.Fatalf("missing CAFile: %v", err)
	}
	cfg = demoConfig(t, srv)
	cfg.ClientCert = filepath.Join(t.TempDir(), "missing-cert.pem")
	if _, err := tuf.NewUpdater(cfg); !errors.Is(err, tuf.ErrInvalidArgument) {
		t.Fatalf("missing ClientCert: %v", err)
	}
	cfg = demoConfig(t, srv)
	cfg.NoHashPrefixTargets = true
	u = newUpdater(t, cfg)
	info, err = u.GetTargetInfo(context.Background(), "hello.txt")
	if err != nil {
		t.Fatal(err)
	}
	_, err = u.DownloadTarget(context.Background(), info, "")
	if !errors.Is(err, tuf.ErrDownload) {
		t.Fatalf("without hash prefixes the file is not found: %v", err)
	}
	if e := (*tuf.Error)(nil); !errors.As(err, &e) || e.HTTPStatus != 404 || !strings.HasSuffix(e.URL, "/targets/hello.txt") {
		t.Fatalf("error fields: %#v", e)
	}
}

func TestReferenceTimeExpiry(t *testing.T) {
	srv := serveRepo(t, demoRepo(t))
	var u *tuf.Updater
	cfg := demoConfig(t, srv)
	cfg.ReferenceTime = time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)
	err := newUpdater(t, cfg).Refresh(context.Background())
	var e *tuf.Error
	if !errors.Is(err, tuf.ErrExpired) || !errors.As(err, &e) || e.Role != "root" {
		t.Fatalf("expired root: %v (%#v)", err, e)
	}
	// On a live updater: from the next refresh on.
	u = newUpdater(t, demoConfig(t, srv))
	if err := u.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := u.SetReferenceTime(time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	if err := u.Refresh(context.Background()); !errors.Is(err, tuf.ErrExpired) {
		t.Fatalf("refresh in 2100: %v", err)
	}
	if err := u.SetReferenceTime(time.Time{}); err != nil {
		t.Fatal(err)
	}
	if err := u.Refresh(context.Background()); err != nil {
		t.Fatalf("refresh with the system clock again: %v", err)
	}
}

// TestConcurrentUse uses one Updater from several goroutines at once (go test -race): the
// calls are serialised instead of failing with TUF_ERR_STATE.
func TestConcurrentUse(t *testing.T) {
	srv := serveRepo(t, demoRepo(t))
	u := newUpdater(t, demoConfig(t, srv))
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 5; j++ {
				info, err := u.GetTargetInfo(context.Background(), "apps/app-1.0.tar.gz")
				if err == nil {
					_, err = u.DownloadTarget(context.Background(), info, "")
				}
				if err == nil && j == 0 {
					err = u.Refresh(context.Background())
				}
				if err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestLoggerAndProgress(t *testing.T) {
	srv := serveRepo(t, demoRepo(t))
	cfg := demoConfig(t, srv)
	var logs bytes.Buffer
	cfg.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	var mu sync.Mutex
	transfers := map[string]uint64{}
	cfg.OnTransferProgress = func(url string, received, total uint64) {
		mu.Lock()
		transfers[url] = received
		mu.Unlock()
	}
	u := newUpdater(t, cfg)
	var targetCalls int
	var last, lastTotal uint64
	if err := u.SetTargetProgress(func(received, total uint64) { targetCalls++; last, lastTotal = received, total }); err != nil {
		t.Fatal(err)
	}
	info, err := u.GetTargetInfo(context.Background(), "hello.txt")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := u.DownloadTarget(context.Background(), info, ""); err != nil {
		t.Fatal(err)
	}
	if targetCalls == 0 || last != info.Length || lastTotal != info.Length {
		t.Fatalf("target progress: %d calls, last %d of %d (length %d)", targetCalls, last, lastTotal, info.Length)
	}
	if got := transfers[srv.metadataURL()+"timestamp.json"]; got == 0 {
		t.Fatalf("no progress for timestamp.json: %v", transfers)
	}
	if !strings.Contains(logs.String(), "level=") {
		t.Fatalf("nothing logged: %q", logs.String())
	}
	if err := u.SetTargetProgress(nil); err != nil {
		t.Fatal(err)
	}
}

func TestPanickingCallbacksBecomeErrors(t *testing.T) {
	srv := serveRepo(t, demoRepo(t))
	cfg := demoConfig(t, srv)
	cfg.Fetcher = tuf.FetcherFunc(func(ctx context.Context, url string, maxLength uint64, w io.Writer) error {
		panic("fetcher bug")
	})
	u := newUpdater(t, cfg)
	err := u.Refresh(context.Background())
	var p *tuf.CallbackPanicError
	if !errors.Is(err, tuf.ErrDownload) || !errors.As(err, &p) || p.Value != "fetcher bug" || p.Callback != "fetch" {
		t.Fatalf("panicking fetcher: %v", err)
	}

	cfg = demoConfig(t, srv)
	cfg.OnTransferProgress = func(string, uint64, uint64) { panic("progress bug") }
	u = newUpdater(t, cfg)
	err = u.Refresh(context.Background())
	if !errors.Is(err, tuf.ErrCancelled) || !errors.As(err, &p) || p.Value != "progress bug" {
		t.Fatalf("panicking progress function: %v", err)
	}

	cfg = demoConfig(t, srv)
	cfg.Logger = slog.New(panicHandler{})
	// The log callback may already run in NewUpdater.
	if u, err = tuf.NewUpdater(cfg); err == nil {
		err = u.Refresh(context.Background())
		u.Close()
	}
	if !errors.As(err, &p) || p.Callback != "log" {
		t.Fatalf("panicking logger: %v", err)
	}
}

type panicHandler struct{}

func (panicHandler) Enabled(context.Context, slog.Level) bool  { return true }
func (panicHandler) Handle(context.Context, slog.Record) error { panic("log bug") }
func (h panicHandler) WithAttrs([]slog.Attr) slog.Handler      { return h }
func (h panicHandler) WithGroup(string) slog.Handler           { return h }

func TestFileURLs(t *testing.T) {
	dir := t.TempDir()
	u := newUpdater(t, tuf.Config{
		MetadataDir:    filepath.Join(dir, "metadata"),
		MetadataURL:    "file://" + filepath.Join(demoRepo(t), "metadata") + "/",
		TargetsDir:     filepath.Join(dir, "targets"),
		TargetsBaseURL: "file://" + filepath.Join(demoRepo(t), "targets") + "/",
		BootstrapRoot:  readFile(t, filepath.Join(demoRepo(t), "root.json")),
	})
	info, err := u.GetTargetInfo(context.Background(), "docs/README.txt")
	if err != nil {
		t.Fatal(err)
	}
	path, err := u.DownloadTarget(context.Background(), info, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatal(err)
	}
}
