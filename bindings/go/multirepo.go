package tuf

// #include <stdlib.h>
// #include <tuf.h>
import "C"

import (
	"context"
	"runtime"
	"sync"
)

// MultiRepoConfig configures a MultiRepo: a client over several repositories (TAP 4).
type MultiRepoConfig struct {
	// ParentDir is the parent of every local directory: repository NAME keeps its
	// metadata in ParentDir/metadata/NAME/, targets go to ParentDir/targets/ unless
	// TargetsDir says otherwise.
	ParentDir string
	// MapJSON is the TAP 4 map file's content; MapFile, when MapJSON is nil, its path.
	MapJSON []byte
	MapFile string
	// TrustedRoots gives repositories their trusted root (the bytes of a root.json shipped
	// with the application); a repository without one starts from the root.json cached in
	// its metadata directory by an earlier run.
	TrustedRoots map[string][]byte
	// MetadataPath and TargetsPath say where each repository's metadata and targets are
	// relative to each of its mirror URLs; nil: "metadata" and "targets"; "": the URL
	// itself.
	MetadataPath *string
	TargetsPath  *string
	// TargetsDir is where targets are downloaded when no file name is given.
	TargetsDir string
	// Settings are the settings of every repository's updater: limits, policy, transport,
	// Fetcher, Logger, OnTransferProgress. Its MetadataDir, MetadataURL, TargetsDir,
	// TargetsBaseURL and BootstrapRoot are not used.
	Settings Config
}

// MultiRepo is a TUF client over several repositories (TAP 4): a target is accepted only
// when the threshold of repositories of the first mapping that matches its path (and meets
// its threshold) give identical length and hashes.
//
// A MultiRepo is safe for concurrent use by multiple goroutines (calls run one at a time).
// Close frees it; a finalizer frees one that was not closed, as a backstop only.
type MultiRepo struct {
	mu sync.Mutex
	c  *C.tuf_multirepo
	cb *callbacks
	ud *userdata
}

// NewMultiRepo checks cfg and creates each repository's metadata directory and updater,
// which loads and verifies its trusted root. It makes no network request.
func NewMultiRepo(cfg MultiRepoConfig) (*MultiRepo, error) {
	cb := &callbacks{fetcher: cfg.Settings.Fetcher, storage: cfg.Settings.Storage, logger: cfg.Settings.Logger, onTransfer: cfg.Settings.OnTransferProgress}
	ud := newCallbacksUserdata(cb)
	mc, err := newMultiRepoCConfig(&cfg, ud)
	if err != nil {
		ud.delete()
		return nil, err
	}
	defer C.tuf_multirepo_config_free(mc)
	var c *C.tuf_multirepo
	var cerr *C.tuf_error
	cb.begin(context.Background())
	r := C.tuf_multirepo_new(mc, &c, &cerr)
	if err := cb.end(r, cerr); err != nil {
		C.tuf_multirepo_free(c)
		ud.delete()
		return nil, err
	}
	m := &MultiRepo{c: c, cb: cb, ud: ud}
	runtime.SetFinalizer(m, (*MultiRepo).Close)
	return m, nil
}

func newMultiRepoCConfig(cfg *MultiRepoConfig, ud *userdata) (*C.tuf_multirepo_config, error) {
	parent, err := cString(cfg.ParentDir)
	if err != nil {
		return nil, err
	}
	defer freeString(parent)
	var mc *C.tuf_multirepo_config
	var cerr *C.tuf_error
	var r C.tuf_result
	if cfg.MapJSON != nil {
		r = C.tuf_multirepo_config_new(parent, bytesPtr(cfg.MapJSON), C.size_t(len(cfg.MapJSON)), &mc, &cerr)
	} else {
		path, err := cString(cfg.MapFile)
		if err != nil {
			return nil, err
		}
		r = C.tuf_multirepo_config_new_from_file(parent, path, &mc, &cerr)
		freeString(path)
	}
	if err := check(r, cerr); err != nil {
		return nil, err
	}
	ok := false
	defer func() {
		if !ok {
			C.tuf_multirepo_config_free(mc)
		}
	}()
	call := func(f func(e **C.tuf_error) C.tuf_result) error {
		var cerr *C.tuf_error
		return check(f(&cerr), cerr)
	}
	for name, root := range cfg.TrustedRoots {
		n, err := cString(name)
		if err != nil {
			return nil, err
		}
		err = call(func(e **C.tuf_error) C.tuf_result {
			return C.tuf_multirepo_config_set_trusted_root(mc, n, bytesPtr(root), C.size_t(len(root)), e)
		})
		freeString(n)
		if err != nil {
			return nil, err
		}
	}
	if cfg.MetadataPath != nil || cfg.TargetsPath != nil {
		var mp, tp *C.char
		if cfg.MetadataPath != nil {
			if mp, err = cString(*cfg.MetadataPath); err != nil {
				return nil, err
			}
			defer freeString(mp)
		}
		if cfg.TargetsPath != nil {
			if tp, err = cString(*cfg.TargetsPath); err != nil {
				return nil, err
			}
			defer freeString(tp)
		}
		if err := call(func(e **C.tuf_error) C.tuf_result { return C.tuf_multirepo_config_set_layout(mc, mp, tp, e) }); err != nil {
			return nil, err
		}
	}
	if cfg.TargetsDir != "" {
		td, err := cString(cfg.TargetsDir)
		if err != nil {
			return nil, err
		}
		defer freeString(td)
		if err := call(func(e **C.tuf_error) C.tuf_result { return C.tuf_multirepo_config_set_targets_dir(mc, td, e) }); err != nil {
			return nil, err
		}
	}
	// The repositories' updater settings come from a tuf_updater_config whose directory
	// and URL are not used.
	settings, err := newCConfig(&cfg.Settings, cfg.ParentDir, "file:///nonexistent/", ud)
	if err != nil {
		return nil, err
	}
	err = call(func(e **C.tuf_error) C.tuf_result {
		return C.tuf_multirepo_config_set_updater_settings(mc, settings, e)
	})
	C.tuf_updater_config_free(settings)
	if err != nil {
		return nil, err
	}
	ok = true
	return mc, nil
}

// Close frees the client; later calls fail with CodeState. It may be called again.
func (m *MultiRepo) Close() error {
	if err := lock(&m.mu); err != nil {
		return err
	}
	defer m.mu.Unlock()
	if m.c != nil {
		C.tuf_multirepo_free(m.c)
		m.c = nil
		m.ud.delete()
		runtime.SetFinalizer(m, nil)
	}
	return nil
}

func (m *MultiRepo) lock(ctx context.Context) error {
	if ctx == nil {
		ctx = context.Background()
	}
	if err := lock(&m.mu); err != nil {
		return err
	}
	if m.c == nil {
		m.mu.Unlock()
		return errClosed("multirepo")
	}
	if err := ctx.Err(); err != nil {
		m.mu.Unlock()
		return &Error{Code: CodeCancelled, Message: "cancelled before the call", Err: err}
	}
	m.cb.begin(ctx)
	return nil
}

// Refresh refreshes every repository's top-level metadata, all of them even when some
// fail; the error names every failing repository (its code, URL, role and HTTP status are
// those of the first failure). The other repositories stay usable.
func (m *MultiRepo) Refresh(ctx context.Context) error {
	if err := m.lock(ctx); err != nil {
		return err
	}
	defer m.mu.Unlock()
	var cerr *C.tuf_error
	r := C.tuf_multirepo_refresh(m.c, &cerr)
	runtime.KeepAlive(m)
	return m.cb.end(r, cerr)
}

// RepositoryAnswer is what one repository of the deciding mapping said about a target.
type RepositoryAnswer struct {
	Name   string
	Agreed bool
	// Info is the target info of the repository's own trusted metadata; nil when it does
	// not list the target or failed.
	Info *TargetInfo
	// Error is the repository's error message when it could not answer.
	Error string
}

// MultiRepoTarget is a target that enough repositories agree on. It is immutable and safe
// for concurrent use; the garbage collector frees it.
type MultiRepoTarget struct {
	// Info is the agreed target info: length and hashes of every agreeing repository;
	// path, role and custom of the first agreeing repository in the mapping's order.
	Info *TargetInfo
	// Mapping is the index in the map file's mapping list of the mapping that decided.
	Mapping int
	// Agreed is how many repositories agreed.
	Agreed int
	// Repositories are the answers of the mapping's repositories, in the mapping's order.
	Repositories []RepositoryAnswer

	c *C.tuf_multirepo_target
}

func newMultiRepoTarget(c *C.tuf_multirepo_target) *MultiRepoTarget {
	t := &MultiRepoTarget{
		c:       c,
		Mapping: int(C.tuf_multirepo_target_mapping(c)),
		Agreed:  int(C.tuf_multirepo_target_agreed_count(c)),
	}
	borrowed := func(info *C.tuf_target_info) *TargetInfo {
		if info == nil {
			return nil
		}
		ti := readTargetInfo(info)
		ti.owner = t
		return ti
	}
	t.Info = borrowed(C.tuf_multirepo_target_info(c))
	n := int(C.tuf_multirepo_target_repository_count(c))
	for i := 0; i < n; i++ {
		ci := C.size_t(i)
		t.Repositories = append(t.Repositories, RepositoryAnswer{
			Name:   goStringOrEmpty(C.tuf_multirepo_target_repository_name(c, ci)),
			Agreed: bool(C.tuf_multirepo_target_repository_agreed(c, ci)),
			Info:   borrowed(C.tuf_multirepo_target_repository_info(c, ci)),
			Error:  goStringOrEmpty(C.tuf_multirepo_target_repository_error(c, ci)),
		})
	}
	runtime.SetFinalizer(t, func(t *MultiRepoTarget) { C.tuf_multirepo_target_free(t.c) })
	return t
}

// GetTargetInfo looks up targetPath (TAP 4). The error matches ErrTargetNotFound when no
// mapping decided, and ErrRepository when a terminating mapping's threshold was not met
// (the message names the repositories that agreed, disagreed, did not list it, failed).
func (m *MultiRepo) GetTargetInfo(ctx context.Context, targetPath string) (*MultiRepoTarget, error) {
	p, err := cString(targetPath)
	if err != nil {
		return nil, err
	}
	defer freeString(p)
	if err := m.lock(ctx); err != nil {
		return nil, err
	}
	defer m.mu.Unlock()
	var out *C.tuf_multirepo_target
	var cerr *C.tuf_error
	r := C.tuf_multirepo_get_target_info(m.c, p, &out, &cerr)
	runtime.KeepAlive(m)
	if err := m.cb.end(r, cerr); err != nil {
		return nil, err
	}
	return newMultiRepoTarget(out), nil
}

// DownloadTarget downloads an agreed target (from this MultiRepo) to filePath ("": the
// targets directory, the target path percent-encoded as one file name), verified against
// the agreed length and hashes; the agreeing repositories and their mirrors are tried in
// order. It returns the path written.
func (m *MultiRepo) DownloadTarget(ctx context.Context, target *MultiRepoTarget, filePath string) (string, error) {
	if target == nil {
		return "", argError("nil target")
	}
	p, err := cStringOrNil(filePath)
	if err != nil {
		return "", err
	}
	defer freeString(p)
	if err := m.lock(ctx); err != nil {
		return "", err
	}
	defer m.mu.Unlock()
	var out *C.char
	var cerr *C.tuf_error
	r := C.tuf_multirepo_download_target(m.c, target.c, p, &out, &cerr)
	runtime.KeepAlive(m)
	runtime.KeepAlive(target)
	if err := m.cb.end(r, cerr); err != nil {
		return "", err
	}
	return takeString(out), nil
}
