package tuf_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	tuf "github.com/libtuf/libtuf/bindings/go"
)

// fillCache refreshes online with cfg and looks up a delegated target, so that the cache
// holds every role of the demo repository.
func fillCache(t *testing.T, cfg tuf.Config) {
	t.Helper()
	u := newUpdater(t, cfg)
	if _, err := u.GetTargetInfo(context.Background(), "apps/app-1.0.tar.gz"); err != nil {
		t.Fatalf("online lookup: %v", err)
	}
	u.Close()
}

func TestOfflineRefreshFromACacheFilledOnline(t *testing.T) {
	srv := serveRepo(t, demoRepo(t))
	cfg := demoConfig(t, srv)
	fillCache(t, cfg)
	before := len(srv.log())

	cfg.Offline = true
	cfg.BootstrapRoot = nil // the cached root.json
	u := newUpdater(t, cfg)
	ctx := context.Background()
	if err := u.Refresh(ctx); err != nil {
		t.Fatalf("offline Refresh: %v", err)
	}
	info, err := u.GetTargetInfo(ctx, "apps/app-1.0.tar.gz")
	if err != nil || info.Role != "apps" {
		t.Fatalf("offline lookup through the cached delegation: %+v %v", info, err)
	}
	// Offline, nothing is downloaded: the error says why.
	if _, err := u.DownloadTarget(ctx, info, ""); !errors.Is(err, tuf.ErrState) {
		t.Fatalf("offline DownloadTarget: %v, want ErrState", err)
	}
	if got := srv.log()[before:]; len(got) != 0 {
		t.Fatalf("the offline updater made requests: %v", got)
	}

	// Every check still applies: expired metadata fails, unless explicitly accepted.
	cfg.ReferenceTime = time.Now().AddDate(200, 0, 0)
	if err := newUpdater(t, cfg).Refresh(ctx); !errors.Is(err, tuf.ErrExpired) {
		t.Fatalf("offline refresh in 200 years: %v, want ErrExpired", err)
	}
	cfg.OfflineAcceptExpiredUnsafe = true
	if err := newUpdater(t, cfg).Refresh(ctx); err != nil {
		t.Fatalf("offline refresh accepting expired metadata: %v", err)
	}
	if got := srv.log()[before:]; len(got) != 0 {
		t.Fatalf("the offline updaters made requests: %v", got)
	}
}

func TestOfflineWithAnEmptyCache(t *testing.T) {
	srv := serveRepo(t, demoRepo(t))
	cfg := demoConfig(t, srv)
	cfg.Offline = true
	u := newUpdater(t, cfg)
	err := u.Refresh(context.Background())
	var e *tuf.Error
	if !errors.Is(err, tuf.ErrState) || !errors.As(err, &e) || !strings.Contains(e.Message, "timestamp.json") {
		t.Fatalf("offline refresh of an empty cache: %v, want ErrState naming timestamp.json", err)
	}
	if got := srv.log(); len(got) != 0 {
		t.Fatalf("the offline updater made requests: %v", got)
	}
}

func TestCacheOptionsThatExcludeEachOther(t *testing.T) {
	srv := serveRepo(t, demoRepo(t))
	for name, change := range map[string]func(*tuf.Config){
		"accept expired without offline": func(c *tuf.Config) { c.OfflineAcceptExpiredUnsafe = true },
		"in memory and offline":          func(c *tuf.Config) { c.InMemory, c.Offline = true, true },
		"in memory and storage":          func(c *tuf.Config) { c.InMemory, c.Storage = true, newMapStorage() },
		"in memory without a root":       func(c *tuf.Config) { c.InMemory, c.BootstrapRoot = true, nil },
		"max connections 65":             func(c *tuf.Config) { c.MaxConnections = 65 },
	} {
		cfg := demoConfig(t, srv)
		change(&cfg)
		if u, err := tuf.NewUpdater(cfg); !errors.Is(err, tuf.ErrInvalidArgument) {
			if u != nil {
				u.Close()
			}
			t.Errorf("%s: %v, want ErrInvalidArgument", name, err)
		}
	}
}

func TestInMemoryWritesNothingToTheMetadataDir(t *testing.T) {
	srv := serveRepo(t, demoRepo(t))
	cfg := demoConfig(t, srv)
	cfg.InMemory = true
	u := newUpdater(t, cfg)
	ctx := context.Background()
	if err := u.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	info, err := u.GetTargetInfo(ctx, "apps/app-1.1.tar.gz")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := u.DownloadTarget(ctx, info, ""); err != nil {
		t.Fatal(err)
	}
	// The second refresh starts from what the first verified, kept in memory.
	before := len(srv.log())
	if err := u.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if got := srv.log()[before:]; len(got) == 0 || len(got) > 2 {
		t.Errorf("second in-memory refresh asked for %v; want the next root and the timestamp only", got)
	}
	if _, err := os.Stat(cfg.MetadataDir); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("metadata dir %s: %v, want it not even created", cfg.MetadataDir, err)
	}
}

// mapStorage is a Storage (and StorageLocker) in a map, recording what libtuf asked.
type mapStorage struct {
	mu      sync.Mutex
	values  map[string][]byte
	durable []string
	locks   int // held now
	maxHeld int
	ops     []string

	lock                  sync.Mutex
	failRead, failWrite   error
	panicRead, panicWrite bool
}

func newMapStorage() *mapStorage { return &mapStorage{values: map[string][]byte{}} }

func (s *mapStorage) record(op string) {
	s.mu.Lock()
	s.ops = append(s.ops, op)
	s.mu.Unlock()
}

func (s *mapStorage) Read(ctx context.Context, name string, maxLength uint64) ([]byte, error) {
	s.record("read " + name)
	if s.panicRead {
		panic("storage read bug")
	}
	if s.failRead != nil {
		return nil, s.failRead
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.values[name]
	if !ok {
		return nil, tuf.ErrNotFound
	}
	return v, nil
}

func (s *mapStorage) Write(ctx context.Context, name string, data []byte, durable bool) error {
	s.record("write " + name)
	if s.panicWrite {
		panic("storage write bug")
	}
	if s.failWrite != nil {
		return s.failWrite
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.locks == 0 {
		return errors.New("write without the lock")
	}
	s.values[name] = append([]byte(nil), data...)
	if durable {
		s.durable = append(s.durable, name)
	}
	return nil
}

func (s *mapStorage) Remove(ctx context.Context, name string) error {
	s.record("remove " + name)
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.values[name]; !ok {
		return tuf.ErrNotFound
	}
	delete(s.values, name)
	return nil
}

func (s *mapStorage) Lock(ctx context.Context) error {
	s.lock.Lock()
	s.mu.Lock()
	s.locks++
	s.maxHeld = max(s.maxHeld, s.locks)
	s.mu.Unlock()
	return nil
}

func (s *mapStorage) Unlock() {
	s.mu.Lock()
	s.locks--
	s.mu.Unlock()
	s.lock.Unlock()
}

func (s *mapStorage) names() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var names []string
	for n := range s.values {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func TestCustomStorage(t *testing.T) {
	srv := serveRepo(t, demoRepo(t))
	store := newMapStorage()
	cfg := demoConfig(t, srv)
	cfg.Storage = store
	fillCache(t, cfg)
	want := []string{"apps.json", "root.json", "root_history/1.root.json", "snapshot.json", "targets.json", "timestamp.json"}
	if got := store.names(); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("stored %v, want %v", got, want)
	}
	if store.locks != 0 || store.maxHeld != 1 {
		t.Fatalf("lock held %d times at the end, at most %d at once", store.locks, store.maxHeld)
	}
	if len(store.durable) != 0 {
		t.Errorf("durable writes %v, want none (no new root)", store.durable)
	}
	if _, err := os.Stat(cfg.MetadataDir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("metadata dir %s: %v, want it unused", cfg.MetadataDir, err)
	}

	// Another updater on the same storage, offline, without a bootstrap root: the storage's
	// root.json and the rest.
	before := len(srv.log())
	cfg.BootstrapRoot = nil
	cfg.Offline = true
	u := newUpdater(t, cfg)
	if _, err := u.GetTargetInfo(context.Background(), "apps/app-1.1.tar.gz"); err != nil {
		t.Fatalf("offline lookup from the storage: %v", err)
	}
	if got := srv.log()[before:]; len(got) != 0 {
		t.Fatalf("requests: %v", got)
	}
	u.Close()

	// A failed read is "not stored" online (fetched again), ErrIO offline, with the cause.
	readErr := errors.New("disk on fire")
	store.failRead = nil
	u = newUpdater(t, cfg)
	store.failRead = readErr
	err := u.Refresh(context.Background())
	if !errors.Is(err, tuf.ErrIO) || !errors.Is(err, readErr) {
		t.Fatalf("offline refresh with failing reads: %v, want ErrIO wrapping %v", err, readErr)
	}
	store.failRead = nil
	u.Close()

	// A failed write fails the call with ErrIO, wrapping the cause (NewUpdater stores the
	// bootstrap root).
	writeErr := errors.New("disk full")
	store2 := newMapStorage()
	store2.failWrite = writeErr
	cfg2 := demoConfig(t, srv)
	cfg2.Storage = store2
	if _, err := tuf.NewUpdater(cfg2); !errors.Is(err, tuf.ErrIO) || !errors.Is(err, writeErr) {
		t.Fatalf("NewUpdater with failing writes: %v, want ErrIO wrapping %v", err, writeErr)
	}
}

// plainStorage is a Storage without a lock.
type plainStorage struct{ m *mapStorage }

func (p plainStorage) Read(ctx context.Context, name string, maxLength uint64) ([]byte, error) {
	return p.m.Read(ctx, name, maxLength)
}
func (p plainStorage) Write(ctx context.Context, name string, data []byte, durable bool) error {
	p.m.mu.Lock()
	p.m.locks++ // mapStorage refuses writes without its lock
	p.m.mu.Unlock()
	defer func() { p.m.mu.Lock(); p.m.locks--; p.m.mu.Unlock() }()
	return p.m.Write(ctx, name, data, durable)
}
func (p plainStorage) Remove(ctx context.Context, name string) error { return p.m.Remove(ctx, name) }

func TestStorageWithoutLock(t *testing.T) {
	srv := serveRepo(t, demoRepo(t))
	store := newMapStorage()
	cfg := demoConfig(t, srv)
	cfg.Storage = plainStorage{store}
	fillCache(t, cfg)
	if got := store.names(); len(got) != 6 || store.maxHeld != 0 {
		t.Fatalf("stored %v; lock taken %d times (want none: no StorageLocker)", got, store.maxHeld)
	}
}

func TestPanickingStorageBecomesAnError(t *testing.T) {
	srv := serveRepo(t, demoRepo(t))
	for _, op := range []string{"read", "write"} {
		store := newMapStorage()
		cfg := demoConfig(t, srv)
		cfg.Storage = store
		u := newUpdater(t, cfg)
		store.panicRead = op == "read"
		store.panicWrite = op == "write"
		err := u.Refresh(context.Background())
		var p *tuf.CallbackPanicError
		if !errors.As(err, &p) || p.Callback != "storage "+op || p.Value != "storage "+op+" bug" {
			t.Fatalf("panicking storage %s: %v", op, err)
		}
		if store.locks != 0 {
			t.Fatalf("panicking storage %s: lock still held", op)
		}
		// The updater goes on working once the storage does.
		store.panicRead, store.panicWrite = false, false
		if err := u.Refresh(context.Background()); err != nil {
			t.Fatalf("refresh after the panic: %v", err)
		}
	}
}

func TestStorageCallingItsUpdaterIsRefused(t *testing.T) {
	srv := serveRepo(t, demoRepo(t))
	var u *tuf.Updater
	var inner error
	store := &reentrantStorage{mapStorage: newMapStorage(), call: func() {
		inner = u.Refresh(context.Background())
	}}
	cfg := demoConfig(t, srv)
	cfg.Storage = store
	u = newUpdater(t, cfg)
	store.armed = true
	if err := u.Refresh(context.Background()); err != nil {
		t.Fatalf("outer refresh: %v", err)
	}
	if !errors.Is(inner, tuf.ErrState) {
		t.Fatalf("Refresh from inside the storage: %v, want ErrState", inner)
	}
}

type reentrantStorage struct {
	*mapStorage
	armed bool
	call  func()
}

func (s *reentrantStorage) Write(ctx context.Context, name string, data []byte, durable bool) error {
	if s.armed {
		s.armed = false
		s.call()
	}
	return s.mapStorage.Write(ctx, name, data, durable)
}

var _ tuf.StorageLocker = (*reentrantStorage)(nil)

func TestNoResumeLeavesNoPartialFile(t *testing.T) {
	for _, resume := range []bool{true, false} {
		srv := serveRepo(t, demoRepo(t))
		cfg := demoConfig(t, srv)
		cfg.NoResume = !resume
		u := newUpdater(t, cfg)
		ctx := context.Background()
		info, err := u.GetTargetInfo(ctx, "apps/app-1.0.tar.gz")
		if err != nil {
			t.Fatal(err)
		}
		whole := readFile(t, filepath.Join(demoRepo(t), "targets", "apps", info.Hashes[0].Hex+".app-1.0.tar.gz"))
		srv.handle("/targets/apps/"+info.Hashes[0].Hex+".app-1.0.tar.gz", breakAfterHalf(whole))
		if _, err := u.DownloadTarget(ctx, info, ""); err == nil {
			t.Fatal("a download broken halfway succeeded")
		}
		partials, _ := filepath.Glob(filepath.Join(cfg.TargetsDir, ".*.partial"))
		if resume && len(partials) != 1 {
			t.Fatalf("resume on: partial files %v, want one", partials)
		}
		if !resume && len(partials) != 0 {
			t.Fatalf("NoResume: partial files %v, want none", partials)
		}
	}
}
