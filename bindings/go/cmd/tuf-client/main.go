// Command tuf-client is a TUF client over the Go binding of libtuf, speaking the standard
// TUF client test CLI, as examples-c/tuf-client does over the C API:
//
//	tuf-client [-v] --metadata-dir DIR init TRUSTED_ROOT
//	tuf-client [-v] [OPTIONS] --metadata-dir DIR --metadata-url URL refresh
//	tuf-client [-v] [OPTIONS] --metadata-dir DIR --metadata-url URL --target-name NAME [--target-name NAME ...]
//	           --target-base-url URL --target-dir DIR download
//
// Transport options, before the command (see --help): --ca-file, --client-cert,
// --client-key, --client-key-password, --proxy, --header (repeatable), --retries,
// --retry-backoff-ms. Cache options: --offline (refresh and download from the metadata
// cache only, no network request), --offline-accept-expired-unsafe (with --offline: accept
// expired metadata, giving up freeze-attack protection), --in-memory (write nothing to the
// metadata directory: the trusted root is read from DIR/root.json, put there by init).
// Download options: --max-connections (several --target-name are downloaded in parallel
// over at most that many connections), --no-resume (interrupted downloads are not
// continued).
//
// Exit status 0 on success, 1 on failure (the reason on stderr), 2 on bad usage (an unknown
// option or command, or a command without what it needs; the usage is printed on stderr).
// With -v it reports each verification step on stderr and each target on stdout. Like the
// other benchmark clients it raises the metadata length limits to 1 GiB and the delegation
// limit to 1024 so that large benchmark repositories load.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	tuf "github.com/libtuf/libtuf/bindings/go"
)

const usage = `usage:
  tuf-client [-v] --metadata-dir DIR init TRUSTED_ROOT
  tuf-client [-v] [OPTIONS] --metadata-dir DIR --metadata-url URL refresh
  tuf-client [-v] [OPTIONS] --metadata-dir DIR --metadata-url URL --target-name NAME [--target-name NAME ...]
             --target-base-url URL --target-dir DIR download
  (with --offline, --metadata-url and --target-base-url are not needed)
  tuf-client --help
`

const help = `
Transport options (refresh and download):
  --ca-file FILE          trust only the CA certificates of this PEM file for HTTPS,
                          in place of the system's trust store
  --client-cert FILE      present this PEM client certificate to HTTPS servers that
                          ask for one (mutual TLS)
  --client-key FILE       its PEM private key (default: in the --client-cert file)
  --client-key-password P the password of an encrypted --client-key
  --proxy URL             send every request through this proxy (http://, https://,
                          socks4://, socks4a://, socks5://, socks5h://); "" for no
                          proxy; default: the http_proxy, https_proxy, all_proxy and
                          no_proxy environment variables
  --header 'NAME: VALUE'  add this header to every request, e.g. Authorization for a
                          private repository (repeatable; never sent after a redirect
                          to another scheme, host or port)
  --retries N             try a download that failed for a transient reason
                          (connection error, HTTP 429 or 5xx) up to N more times (0-100,
                          default 0)
  --retry-backoff-ms MS   wait MS milliseconds before the first retry, twice as long
                          before each next one, at most 30000 (0-30000, default 1000)

Cache options (refresh and download):
  --offline               use only the metadata cache in --metadata-dir, with every
                          check (signatures, versions, expiry), and make no network
                          request at all; fails, naming the file, when the cache lacks
                          metadata (refresh online first); download only finds targets
                          already in --target-dir
  --offline-accept-expired-unsafe
                          with --offline, accept expired metadata. UNSAFE: this gives
                          up the protection against freeze attacks (old, validly signed
                          metadata, replayed or just never refreshed, keeps the client
                          on old targets indefinitely)
  --in-memory             keep the metadata cache in memory: nothing is written to the
                          metadata directory; the trusted root is read from its
                          root.json (run init first); not with --offline

Download options:
  --max-connections N     download several --target-name in parallel over at most N
                          connections (1-64, default 6; HTTP/2 servers share them);
                          each target is verified and saved as on its own, one failing
                          target stops no other, and the exit status is 1 if any failed
  --no-resume             do not keep what an interrupted download received (by default
                          it stays in TARGET_DIR/.NAME.ID.partial and the next download
                          asks only for the rest, then verifies the whole file)

Other options:
  -v, --verbose           report each verification step on stderr and each target on
                          stdout
  -h, --help              print this help

Exit status: 0 on success, 1 on failure, 2 on bad usage.
`

type args struct {
	metadataDir, metadataURL, targetBaseURL, targetDir string
	command, trustedRoot                               string
	targets                                            []string
	verbose, help                                      bool
	set                                                map[string]bool // options given

	offline, offlineAcceptExpiredUnsafe, inMemory, noResume bool
	maxConnections                                          string

	caFile, clientCert, clientKey, clientKeyPassword, proxy string
	headers                                                 []string
	retries, retryBackoffMS                                 string
}

// usageError is a bad command line: exit 2 with the usage.
type usageError string

func (e usageError) Error() string { return string(e) }

func parseArgs(argv []string) (*args, error) {
	a := &args{set: map[string]bool{}}
	slots := map[string]*string{
		"--metadata-dir": &a.metadataDir, "--metadata-url": &a.metadataURL,
		"--target-base-url": &a.targetBaseURL, "--target-dir": &a.targetDir,
		"--ca-file": &a.caFile, "--client-cert": &a.clientCert, "--client-key": &a.clientKey,
		"--client-key-password": &a.clientKeyPassword, "--proxy": &a.proxy,
		"--retries": &a.retries, "--retry-backoff-ms": &a.retryBackoffMS,
		"--max-connections": &a.maxConnections,
	}
	flags := map[string]*bool{
		"--offline": &a.offline, "--offline-accept-expired-unsafe": &a.offlineAcceptExpiredUnsafe,
		"--in-memory": &a.inMemory, "--no-resume": &a.noResume,
	}
	var positional []string
	for i := 0; i < len(argv); i++ {
		s := argv[i]
		switch {
		case s == "-v" || s == "--verbose":
			a.verbose = true
			continue
		case s == "-h" || s == "--help":
			a.help = true
			return a, nil
		case flags[s] != nil:
			*flags[s] = true
			a.set[s] = true
			continue
		case s == "--target-name" || s == "--header" || slots[s] != nil:
			if i+1 == len(argv) {
				return nil, usageError(s + " needs a value")
			}
			i++
			a.set[s] = true
			switch s {
			case "--target-name":
				a.targets = append(a.targets, argv[i])
			case "--header":
				a.headers = append(a.headers, argv[i])
			default:
				*slots[s] = argv[i]
			}
		case strings.HasPrefix(s, "-"):
			return nil, usageError("unknown option " + s)
		default:
			positional = append(positional, s)
		}
	}
	if len(positional) == 0 {
		return nil, usageError("a command is required")
	}
	a.command = positional[0]
	required := []string{"--metadata-dir"}
	switch a.command {
	case "init":
		if len(positional) > 2 {
			return nil, usageError("unexpected argument " + positional[2])
		}
		if !a.set["--metadata-dir"] {
			return nil, usageError("init needs --metadata-dir")
		}
		if len(positional) < 2 {
			return nil, usageError("init needs TRUSTED_ROOT")
		}
		a.trustedRoot = positional[1]
		return a, nil
	case "refresh", "download":
		if len(positional) > 1 {
			return nil, usageError("unexpected argument " + positional[1])
		}
		if !a.offline {
			required = append(required, "--metadata-url")
		}
		if a.command == "download" {
			required = append(required, "--target-name")
			if !a.offline {
				required = append(required, "--target-base-url")
			}
			required = append(required, "--target-dir")
		}
	default:
		return nil, usageError("unknown command " + a.command)
	}
	for _, name := range required {
		if !a.set[name] {
			return nil, usageError(a.command + " needs " + name)
		}
	}
	if a.offlineAcceptExpiredUnsafe && !a.offline {
		return nil, usageError("--offline-accept-expired-unsafe needs --offline")
	}
	if a.inMemory && a.offline {
		return nil, usageError("--in-memory has no cache to use --offline with")
	}
	return a, nil
}

// stderrHandler prints libtuf's log messages as examples-c/tuf-client does.
type stderrHandler struct{}

func (stderrHandler) Enabled(context.Context, slog.Level) bool { return true }
func (stderrHandler) Handle(_ context.Context, r slog.Record) error {
	prefix := ""
	if r.Level >= slog.LevelWarn {
		prefix = "warning: "
	}
	_, err := fmt.Fprintf(os.Stderr, "tuf-client: %s%s\n", prefix, r.Message)
	return err
}
func (h stderrHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h stderrHandler) WithGroup(string) slog.Handler      { return h }

// message is err's text without the package's "tuf: " prefix.
func message(err error) string {
	var e *tuf.Error
	if errors.As(err, &e) {
		if e.Err != nil {
			return e.Message + ": " + e.Err.Error()
		}
		return e.Message
	}
	return err.Error()
}

func number(s string, max int) (int, bool) {
	if s == "" || s[0] < '0' || s[0] > '9' {
		return 0, false
	}
	v, err := strconv.Atoi(s)
	return v, err == nil && v >= 0 && v <= max
}

func config(a *args) (tuf.Config, error) {
	const big = 1 << 30
	cfg := tuf.Config{
		MetadataDir:        a.metadataDir,
		MetadataURL:        a.metadataURL,
		TargetsDir:         a.targetDir,
		TargetsBaseURL:     a.targetBaseURL,
		MaxDelegations:     1024,
		RootMaxLength:      big,
		TimestampMaxLength: big,
		SnapshotMaxLength:  big,
		TargetsMaxLength:   big,
		CAFile:             a.caFile,
		ClientCert:         a.clientCert,
		ClientKey:          a.clientKey,
		ClientKeyPassword:  a.clientKeyPassword,
	}
	if a.verbose {
		cfg.Logger = slog.New(stderrHandler{})
	}
	if a.offline {
		// Offline, the URLs are never used.
		cfg.Offline = true
		if cfg.MetadataURL == "" {
			cfg.MetadataURL = "file:///offline/"
		}
		if cfg.TargetsBaseURL == "" {
			cfg.TargetsBaseURL = "file:///offline/"
		}
	}
	if a.offlineAcceptExpiredUnsafe {
		fmt.Fprintln(os.Stderr, "tuf-client: warning: accepting expired metadata "+
			"(--offline-accept-expired-unsafe): no protection against freeze attacks")
		cfg.OfflineAcceptExpiredUnsafe = true
	}
	if a.inMemory {
		// The trusted root init stored; nothing is written back.
		root, err := os.ReadFile(filepath.Join(a.metadataDir, "root.json"))
		if err != nil {
			return cfg, err
		}
		cfg.BootstrapRoot = root
		cfg.InMemory = true
	}
	if a.set["--max-connections"] {
		n, ok := number(a.maxConnections, 64)
		if !ok || n < 1 {
			return cfg, errors.New("--max-connections takes 1 to 64")
		}
		cfg.MaxConnections = uint32(n)
	}
	cfg.NoResume = a.noResume
	if a.set["--proxy"] {
		cfg.Proxy = &a.proxy
	}
	for _, h := range a.headers {
		name, value, ok := strings.Cut(h, ":")
		if !ok {
			return cfg, fmt.Errorf("--header %s: expected 'NAME: VALUE'", h)
		}
		cfg.Headers = append(cfg.Headers, tuf.Header{Name: name, Value: strings.Trim(value, " \t")})
	}
	if a.set["--retries"] || a.set["--retry-backoff-ms"] {
		count, backoff, ok1, ok2 := 0, 1000, true, true
		if a.set["--retries"] {
			count, ok1 = number(a.retries, 100)
		}
		if a.set["--retry-backoff-ms"] {
			backoff, ok2 = number(a.retryBackoffMS, 30000)
		}
		if !ok1 || !ok2 {
			return cfg, errors.New("--retries takes 0 to 100 and --retry-backoff-ms 0 to 30000")
		}
		cfg.Retries = uint32(count)
		cfg.RetryBackoff = time.Duration(backoff) * time.Millisecond
		if backoff == 0 {
			// RetryBackoff 0 with retries set means "at once", as --retry-backoff-ms 0.
			cfg.RetryBackoff = 0
		}
	}
	return cfg, nil
}

func initCmd(a *args) error {
	root, err := os.ReadFile(a.trustedRoot)
	if err != nil {
		return fmt.Errorf("init: %w", err)
	}
	// The updater verifies the root's own signatures and stores it; no network request.
	u, err := tuf.NewUpdater(tuf.Config{
		MetadataDir:   a.metadataDir,
		MetadataURL:   "file:///nonexistent/",
		BootstrapRoot: root,
	})
	if err != nil {
		return fmt.Errorf("init: %s", message(err))
	}
	u.Close()
	if a.verbose {
		fmt.Fprintf(os.Stderr, "tuf-client: trusted root %s stored in %s\n", a.trustedRoot, a.metadataDir)
	}
	return nil
}

func run(a *args) error {
	if a.command == "init" {
		return initCmd(a)
	}
	cfg, err := config(a)
	if err != nil {
		return err
	}
	ctx := context.Background()
	if a.command == "download" {
		if err := os.MkdirAll(a.targetDir, 0o755); err != nil {
			return err
		}
	}
	u, err := tuf.NewUpdater(cfg)
	if err != nil {
		return fmt.Errorf("cannot create the updater: %s", message(err))
	}
	defer u.Close()
	if err := u.Refresh(ctx); err != nil {
		return fmt.Errorf("refresh: %s", message(err))
	}
	if a.command != "download" {
		return nil
	}
	if len(a.targets) == 1 {
		return downloadOne(ctx, a, u)
	}
	return download(ctx, a, u)
}

// report prints what became of a target (with -v).
func report(a *args, name string, info *tuf.TargetInfo, cached bool, path string) {
	if !a.verbose {
		return
	}
	how := "verified and saved to"
	if cached {
		how = "already in"
	}
	hex := info.Hashes[0].Hex
	if len(hex) > 16 {
		hex = hex[:16]
	}
	fmt.Printf("%s: %d bytes, %s %s..., listed by %s, %s %s\n", name, info.Length,
		info.Hashes[0].Algorithm, hex, info.Role, how, path)
}

// downloadOne looks up one target, then downloads it unless its file is already there.
func downloadOne(ctx context.Context, a *args, u *tuf.Updater) error {
	name := a.targets[0]
	info, err := u.GetTargetInfo(ctx, name)
	if err != nil {
		return fmt.Errorf("%s: %s", name, message(err))
	}
	defer info.Close()
	path, cached, err := u.FindCachedTarget(info, "")
	if err == nil && !cached {
		path, err = u.DownloadTarget(ctx, info, "")
	}
	if err != nil {
		return fmt.Errorf("%s: %s", name, message(err))
	}
	report(a, name, info, cached, path)
	return nil
}

// errReported: the failures were printed already; exit 1.
var errReported = errors.New("failures reported")

// download looks up the targets at once (the delegated metadata the lookups need is fetched
// several roles at a time), downloads those found before the first that is not, at once
// (files already there are not downloaded again; one failing download stops no other), then
// reports that lookup's failure.
func download(ctx context.Context, a *args, u *tuf.Updater) error {
	// A name that is not UTF-8 would fail the whole batch before any lookup: the names
	// before it are looked up together, and it alone, so that it fails as the first name
	// not found would.
	names := a.targets
	for i, name := range names {
		if !utf8.ValidString(name) {
			names = names[:i]
			break
		}
	}
	lookups, err := u.GetTargetInfos(ctx, names)
	if lookups == nil {
		// Failed before looking up.
		return fmt.Errorf("download: %s", message(err))
	}
	defer func() {
		for _, res := range lookups {
			if res.Info != nil {
				res.Info.Close()
			}
		}
	}()
	var infos []*tuf.TargetInfo
	var cached []bool
	var lookupErr error
	for _, res := range lookups {
		if res.Err != nil {
			lookupErr = fmt.Errorf("%s: %s", res.Path, message(res.Err))
			break
		}
		infos = append(infos, res.Info)
		inPlace := false
		if a.verbose {
			_, inPlace, _ = u.FindCachedTarget(res.Info, "")
		}
		cached = append(cached, inPlace)
	}
	if lookupErr == nil && len(names) < len(a.targets) {
		name := a.targets[len(names)]
		info, err := u.GetTargetInfo(ctx, name)
		if err == nil {
			info.Close()
			err = errors.New("a target name that is not UTF-8 was found")
		}
		lookupErr = fmt.Errorf("%s: %s", name, message(err))
	}
	if len(infos) == 0 {
		return lookupErr
	}
	results, err := u.DownloadTargets(ctx, infos)
	if results == nil {
		// Failed before downloading.
		return fmt.Errorf("download: %s", message(err))
	}
	failed := false
	for i, res := range results {
		if res.Err != nil {
			fmt.Fprintf(os.Stderr, "tuf-client: %s: %s\n", a.targets[i], message(res.Err))
			failed = true
			continue
		}
		report(a, a.targets[i], infos[i], cached[i], res.Path)
	}
	if lookupErr != nil {
		return lookupErr
	}
	if failed {
		return errReported
	}
	return nil
}

func main() {
	os.Exit(mainStatus(os.Args[1:], os.Stdout, os.Stderr))
}

func mainStatus(argv []string, stdout, stderr io.Writer) int {
	a, err := parseArgs(argv)
	if err != nil {
		fmt.Fprintf(stderr, "tuf-client: %s\n%s", err, usage)
		return 2
	}
	if a.help {
		// As the other clients of the end-to-end tests: --help is no error, the usage on
		// stdout, status 0.
		fmt.Fprint(stdout, usage+help)
		return 0
	}
	if err := run(a); err != nil {
		if err != errReported {
			fmt.Fprintf(stderr, "tuf-client: %s\n", err)
		}
		return 1
	}
	return 0
}
