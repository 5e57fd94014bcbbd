package tuf

// #include <stdlib.h>
// #include "gotuf.h"
import "C"

import (
	"log/slog"
	"time"
	"unsafe"
)

// Config configures an Updater (NewUpdater) or every repository's updater of a MultiRepo
// (MultiRepoConfig.Settings). The zero value of each field keeps libtuf's default, which is
// python-tuf's; see tuf.h's tuf_updater_config_* functions for the details of each setting.
type Config struct {
	// MetadataDir is the local metadata cache; without BootstrapRoot it must hold the
	// trusted root.json. MetadataURL is the repository's metadata base URL (http://,
	// https:// or file://). Both are required by NewUpdater (and not used by a MultiRepo).
	MetadataDir string
	MetadataURL string
	// TargetsDir is where targets are downloaded when no file name is given; TargetsBaseURL
	// is the base URL of target files ("": each download names one). Not used by a MultiRepo.
	TargetsDir     string
	TargetsBaseURL string
	// BootstrapRoot is the trusted root to start from (a root.json shipped with the
	// application); nil: the cached root.json of MetadataDir. Not used by a MultiRepo.
	BootstrapRoot []byte

	// Limits (0: libtuf's default): new roots fetched in one refresh (256), delegated roles
	// visited in one search (32), and download limits of N.root.json (512000),
	// timestamp.json (16384), snapshot and targets metadata when no trusted length is known
	// (2000000 and 5000000).
	MaxRootRotations   uint32
	MaxDelegations     uint32
	RootMaxLength      uint64
	TimestampMaxLength uint64
	SnapshotMaxLength  uint64
	TargetsMaxLength   uint64

	// NoHashPrefixTargets fetches targets as DIR/NAME even under consistent snapshots
	// (default: DIR/HASH.NAME).
	NoHashPrefixTargets bool
	// StrictKeyids requires keyids to be the SHA-256 of their key.
	StrictKeyids bool
	// SyncAllWrites flushes every file to disk before it is renamed into place.
	SyncAllWrites bool
	// ReferenceTime is the time expiry is checked against; zero: the system clock.
	ReferenceTime time.Time

	// Transport of the built-in fetcher (ignored with a Fetcher, except Retries).
	UserAgent      string        // product token sent before libtuf/VERSION
	ConnectTimeout time.Duration // 0: 30 s
	// MinSpeed aborts a download slower than BytesPerSecond for Duration with
	// ErrSlowRetrieval; nil: 1024 bytes/s for 30 s; &MinSpeed{} disables the check.
	MinSpeed *MinSpeed
	// MaxRedirects is the most HTTP redirects followed for one download; nil: 5.
	MaxRedirects *uint32
	// Timeout is the deadline of every transfer, connection included; nil: one hour; a
	// pointer to 0: none. A transfer still running then fails with ErrSlowRetrieval; it also
	// applies to a Fetcher, whose writes then fail (a Fetcher must bound its own waits).
	Timeout *time.Duration
	// LockTimeout is the longest wait for the metadata directory's lock (held by other
	// updaters and processes only while they read and write its files); nil: 60 s; a
	// pointer to 0: fail at once. When it runs out, the call fails with ErrIO.
	LockTimeout *time.Duration
	// CAFile or CAPEM replace the system's trust store with these CA certificates (PEM).
	CAFile string
	CAPEM  []byte
	// ClientCert and ClientKey (files), or ClientCertPEM and ClientKeyPEM (in memory), are
	// presented to HTTPS servers that ask for a client certificate; an empty key means it
	// follows the certificate. ClientKeyPassword decrypts an encrypted key. A libtuf built
	// with rustls (-DTUF_TLS=rustls) reads client certificates from files only, and no
	// encrypted key: NewUpdater then fails with ErrInvalidArgument.
	ClientCert        string
	ClientKey         string
	ClientCertPEM     []byte
	ClientKeyPEM      []byte
	ClientKeyPassword string
	// Proxy: nil: the environment (http_proxy, https_proxy, all_proxy, no_proxy); a pointer
	// to "": no proxy; else the proxy URL.
	Proxy *string
	// Headers are added to every request to the origin of the URL asked for.
	Headers []Header
	// Retries is how often a download that failed for a transient reason is tried again
	// (at most 100), waiting RetryBackoff before the first retry and twice as long before
	// each next one (at most 30 s; 0: at once).
	Retries      uint32
	RetryBackoff time.Duration

	// Offline reads the trusted metadata from the cache only (MetadataDir or Storage), with
	// every check of the online workflow (signatures, thresholds, versions, expiry against
	// ReferenceTime), and makes no network request at all, not even through a Fetcher; it
	// writes no metadata. When the cache lacks what a call needs (it was never filled
	// online), the call fails with ErrState, naming the missing file; DownloadTarget always
	// fails with ErrState (FindCachedTarget works). Not with InMemory.
	Offline bool
	// OfflineAcceptExpiredUnsafe (UNSAFE; only with Offline) accepts expired metadata: the
	// expiry checks of spec 5.3.10, 5.4.4, 5.5.6 and 5.6.5 are skipped, and only they; each
	// expired role accepted is logged as a warning. It gives up the protection against
	// freeze attacks: old, validly signed metadata in the cache keeps the application on old
	// targets indefinitely. Use it only where running on stale metadata is better than not
	// running, with a cache others cannot write.
	OfflineAcceptExpiredUnsafe bool
	// InMemory keeps the metadata cache in memory only: nothing is written anywhere
	// (MetadataDir is not used, not even created). Each Updater has its own cache, kept for
	// its life; BootstrapRoot is then required. Not with Offline or Storage.
	InMemory bool
	// Storage keeps the metadata cache in the application's store (see Storage) in place of
	// MetadataDir's files (which is then not used); nil: the files. Without BootstrapRoot,
	// the Updater starts from the storage's root.json. A MultiRepo refuses it.
	Storage Storage
	// MaxConnections is the most connections DownloadTargets, GetTargetInfos and Refresh
	// (fetching root versions ahead once it found a new one) use at once (1 to 64; 0: 6). Without a Fetcher, an Updater keeps its connections from one call to
	// the next (tuf_updater_config_set_max_connections).
	MaxConnections uint32
	// NoResume turns off resuming interrupted target downloads: by default what arrived
	// stays in a partial file beside the destination (.NAME.ID.partial), and the next
	// download of the same target asks only for the rest, then verifies the whole file.
	NoResume bool

	// Fetcher replaces the built-in libcurl fetcher; nil: libcurl.
	Fetcher Fetcher
	// Logger receives libtuf's log messages (debug, info and warn levels); nil: none.
	Logger *slog.Logger
	// OnTransferProgress is told of the progress of every transfer, metadata and targets
	// alike: url has delivered received bytes of at most total. It runs on the goroutine
	// of the running call; cancel through the call's context, not from here.
	OnTransferProgress func(url string, received, total uint64)
}

// MinSpeed is the slowest transfer allowed (Config.MinSpeed).
type MinSpeed struct {
	BytesPerSecond uint32
	Duration       time.Duration
}

// Header is one request header (Config.Headers).
type Header struct {
	Name  string
	Value string
}

func durationMillis(d time.Duration) C.uint32_t {
	ms := d.Milliseconds()
	if ms < 0 {
		return 0
	}
	if ms > 0xffffffff {
		return 0xffffffff
	}
	return C.uint32_t(ms)
}

func durationMillis64(d time.Duration) C.uint64_t {
	if d < 0 {
		return 0
	}
	return C.uint64_t(d.Milliseconds())
}

// newCConfig makes a tuf_updater_config from cfg for metadataDir and metadataURL, with the
// callbacks given ud (of a *callbacks). The caller frees it.
func newCConfig(cfg *Config, metadataDir, metadataURL string, ud *userdata) (*C.tuf_updater_config, error) {
	dir, err := cString(metadataDir)
	if err != nil {
		return nil, err
	}
	defer freeString(dir)
	url, err := cString(metadataURL)
	if err != nil {
		return nil, err
	}
	defer freeString(url)
	var c *C.tuf_updater_config
	var cerr *C.tuf_error
	if r := C.tuf_updater_config_new(dir, url, &c, &cerr); r != C.TUF_OK {
		return nil, takeError(r, cerr, nil)
	}
	if err := applyConfig(c, cfg, ud.p); err != nil {
		C.tuf_updater_config_free(c)
		return nil, err
	}
	return c, nil
}

// setter collects the first error of a sequence of setters.
type setter struct {
	c   *C.tuf_updater_config
	err error
}

func (s *setter) do(f func(e **C.tuf_error) C.tuf_result) {
	if s.err != nil {
		return
	}
	var cerr *C.tuf_error
	if r := f(&cerr); r != C.TUF_OK {
		s.err = takeError(r, cerr, nil)
	}
}

// str runs f with a C copy of v (NULL for "").
func (s *setter) str(v string, f func(p *C.char, e **C.tuf_error) C.tuf_result) {
	if s.err != nil {
		return
	}
	p, err := cStringOrNil(v)
	if err != nil {
		s.err = err
		return
	}
	defer freeString(p)
	s.do(func(e **C.tuf_error) C.tuf_result { return f(p, e) })
}

func applyConfig(c *C.tuf_updater_config, cfg *Config, ud unsafe.Pointer) error {
	s := &setter{c: c}
	if cfg.TargetsDir != "" {
		s.str(cfg.TargetsDir, func(p *C.char, e **C.tuf_error) C.tuf_result {
			return C.tuf_updater_config_set_targets_dir(c, p, e)
		})
	}
	if cfg.TargetsBaseURL != "" {
		s.str(cfg.TargetsBaseURL, func(p *C.char, e **C.tuf_error) C.tuf_result {
			return C.tuf_updater_config_set_targets_base_url(c, p, e)
		})
	}
	if cfg.BootstrapRoot != nil {
		s.do(func(e **C.tuf_error) C.tuf_result {
			return C.tuf_updater_config_set_bootstrap_root(c, bytesPtr(cfg.BootstrapRoot), C.size_t(len(cfg.BootstrapRoot)), e)
		})
	}
	if cfg.MaxRootRotations != 0 {
		s.do(func(e **C.tuf_error) C.tuf_result {
			return C.tuf_updater_config_set_max_root_rotations(c, C.uint32_t(cfg.MaxRootRotations), e)
		})
	}
	if cfg.MaxDelegations != 0 {
		s.do(func(e **C.tuf_error) C.tuf_result {
			return C.tuf_updater_config_set_max_delegations(c, C.uint32_t(cfg.MaxDelegations), e)
		})
	}
	if cfg.RootMaxLength != 0 {
		s.do(func(e **C.tuf_error) C.tuf_result {
			return C.tuf_updater_config_set_root_max_length(c, C.uint64_t(cfg.RootMaxLength), e)
		})
	}
	if cfg.TimestampMaxLength != 0 {
		s.do(func(e **C.tuf_error) C.tuf_result {
			return C.tuf_updater_config_set_timestamp_max_length(c, C.uint64_t(cfg.TimestampMaxLength), e)
		})
	}
	if cfg.SnapshotMaxLength != 0 {
		s.do(func(e **C.tuf_error) C.tuf_result {
			return C.tuf_updater_config_set_snapshot_max_length(c, C.uint64_t(cfg.SnapshotMaxLength), e)
		})
	}
	if cfg.TargetsMaxLength != 0 {
		s.do(func(e **C.tuf_error) C.tuf_result {
			return C.tuf_updater_config_set_targets_max_length(c, C.uint64_t(cfg.TargetsMaxLength), e)
		})
	}
	if cfg.NoHashPrefixTargets {
		s.do(func(e **C.tuf_error) C.tuf_result {
			return C.tuf_updater_config_set_prefix_targets_with_hash(c, false, e)
		})
	}
	if cfg.StrictKeyids {
		s.do(func(e **C.tuf_error) C.tuf_result { return C.tuf_updater_config_set_strict_keyids(c, true, e) })
	}
	if cfg.SyncAllWrites {
		s.do(func(e **C.tuf_error) C.tuf_result { return C.tuf_updater_config_set_sync_all_writes(c, true, e) })
	}
	if !cfg.ReferenceTime.IsZero() {
		t := unixSeconds(cfg.ReferenceTime)
		s.do(func(e **C.tuf_error) C.tuf_result { return C.tuf_updater_config_set_reference_time(c, &t, e) })
	}
	if cfg.UserAgent != "" {
		s.str(cfg.UserAgent, func(p *C.char, e **C.tuf_error) C.tuf_result {
			return C.tuf_updater_config_set_user_agent(c, p, e)
		})
	}
	if cfg.ConnectTimeout != 0 {
		s.do(func(e **C.tuf_error) C.tuf_result {
			return C.tuf_updater_config_set_connect_timeout_ms(c, durationMillis(cfg.ConnectTimeout), e)
		})
	}
	if ms := cfg.MinSpeed; ms != nil {
		secs := ms.Duration / time.Second
		if secs > 0xffffffff {
			secs = 0xffffffff
		}
		s.do(func(e **C.tuf_error) C.tuf_result {
			return C.tuf_updater_config_set_min_speed(c, C.uint32_t(ms.BytesPerSecond), C.uint32_t(secs), e)
		})
	}
	if cfg.MaxRedirects != nil {
		s.do(func(e **C.tuf_error) C.tuf_result {
			return C.tuf_updater_config_set_max_redirects(c, C.uint32_t(*cfg.MaxRedirects), e)
		})
	}
	if cfg.Timeout != nil {
		s.do(func(e **C.tuf_error) C.tuf_result {
			return C.tuf_updater_config_set_timeout_ms(c, durationMillis64(*cfg.Timeout), e)
		})
	}
	if cfg.LockTimeout != nil {
		s.do(func(e **C.tuf_error) C.tuf_result {
			return C.tuf_updater_config_set_lock_timeout_ms(c, durationMillis64(*cfg.LockTimeout), e)
		})
	}
	applyTransport(s, cfg)
	applyCache(s, cfg, ud)
	if cfg.Retries != 0 || cfg.RetryBackoff != 0 {
		s.do(func(e **C.tuf_error) C.tuf_result {
			return C.tuf_updater_config_set_retries(c, C.uint32_t(cfg.Retries), durationMillis(cfg.RetryBackoff), e)
		})
	}
	if cfg.Fetcher != nil {
		s.do(func(e **C.tuf_error) C.tuf_result {
			return C.tuf_updater_config_set_fetcher(c, C.gotuf_fetch_cb(), ud, e)
		})
	}
	if cfg.Logger != nil {
		s.do(func(e **C.tuf_error) C.tuf_result {
			return C.tuf_updater_config_set_log_callback(c, C.gotuf_log_cb(), ud, e)
		})
	}
	// Always: it is how a call's context cancels the call.
	s.do(func(e **C.tuf_error) C.tuf_result {
		return C.tuf_updater_config_set_progress_callback(c, C.gotuf_transfer_progress_cb(), ud, e)
	})
	return s.err
}

// applyTransport sets the CA, client certificate, proxy and headers.
func applyTransport(s *setter, cfg *Config) {
	c := s.c
	if len(cfg.CAPEM) > 0 {
		s.do(func(e **C.tuf_error) C.tuf_result {
			return C.tuf_updater_config_set_ca_blob(c, bytesPtr(cfg.CAPEM), C.size_t(len(cfg.CAPEM)), e)
		})
	} else if cfg.CAFile != "" {
		s.str(cfg.CAFile, func(p *C.char, e **C.tuf_error) C.tuf_result { return C.tuf_updater_config_set_ca_file(c, p, e) })
	}
	if len(cfg.ClientCertPEM) > 0 {
		s.str(cfg.ClientKeyPassword, func(pw *C.char, e **C.tuf_error) C.tuf_result {
			return C.tuf_updater_config_set_client_cert_blob(c, bytesPtr(cfg.ClientCertPEM), C.size_t(len(cfg.ClientCertPEM)),
				bytesPtr(cfg.ClientKeyPEM), C.size_t(len(cfg.ClientKeyPEM)), pw, e)
		})
	} else if cfg.ClientCert != "" {
		s.str(cfg.ClientCert, func(cert *C.char, e **C.tuf_error) C.tuf_result {
			key, err := cStringOrNil(cfg.ClientKey)
			if err != nil {
				s.err = err
				return C.TUF_OK
			}
			defer freeString(key)
			pw, err := cStringOrNil(cfg.ClientKeyPassword)
			if err != nil {
				s.err = err
				return C.TUF_OK
			}
			defer freeString(pw)
			return C.tuf_updater_config_set_client_cert(c, cert, key, pw, e)
		})
	} else if cfg.ClientKey != "" || len(cfg.ClientKeyPEM) > 0 || cfg.ClientKeyPassword != "" {
		s.err = argError("a client key or key password without a client certificate")
	}
	if cfg.Proxy != nil {
		p, err := cString(*cfg.Proxy)
		if err != nil {
			s.err = err
			return
		}
		defer freeString(p)
		s.do(func(e **C.tuf_error) C.tuf_result { return C.tuf_updater_config_set_proxy(c, p, e) })
	}
	if len(cfg.Headers) > 0 {
		// Exactly these headers, whatever the configuration had.
		s.do(func(e **C.tuf_error) C.tuf_result { return C.tuf_updater_config_clear_headers(c, e) })
		for _, h := range cfg.Headers {
			s.str(h.Name, func(name *C.char, e **C.tuf_error) C.tuf_result {
				value, err := cString(h.Value)
				if err != nil {
					s.err = err
					return C.TUF_OK
				}
				defer freeString(value)
				return C.tuf_updater_config_add_header(c, name, value, e)
			})
		}
	}
}

// applyCache sets the metadata storage, offline mode and the download options.
func applyCache(s *setter, cfg *Config, ud unsafe.Pointer) {
	c := s.c
	if cfg.Storage != nil && cfg.InMemory {
		if s.err == nil {
			s.err = argError("Config.Storage and Config.InMemory exclude each other")
		}
		return
	}
	if cfg.Storage != nil {
		withLock := C.int(0)
		if _, ok := cfg.Storage.(StorageLocker); ok {
			withLock = 1
		}
		st := C.gotuf_storage_callbacks(withLock)
		s.do(func(e **C.tuf_error) C.tuf_result { return C.tuf_updater_config_set_storage(c, &st, ud, e) })
	}
	if cfg.InMemory {
		s.do(func(e **C.tuf_error) C.tuf_result { return C.tuf_updater_config_set_in_memory(c, true, e) })
	}
	if cfg.Offline {
		s.do(func(e **C.tuf_error) C.tuf_result { return C.tuf_updater_config_set_offline(c, true, e) })
	}
	if cfg.OfflineAcceptExpiredUnsafe {
		s.do(func(e **C.tuf_error) C.tuf_result {
			return C.tuf_updater_config_set_offline_accept_expired_unsafe(c, true, e)
		})
	}
	if cfg.MaxConnections != 0 {
		s.do(func(e **C.tuf_error) C.tuf_result {
			return C.tuf_updater_config_set_max_connections(c, C.uint32_t(cfg.MaxConnections), e)
		})
	}
	if cfg.NoResume {
		s.do(func(e **C.tuf_error) C.tuf_result { return C.tuf_updater_config_set_resume(c, false, e) })
	}
}
