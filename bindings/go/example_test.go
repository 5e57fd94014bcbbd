package tuf_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tuf "github.com/libtuf/libtuf/bindings/go"
)

// An updater over HTTP: refresh, look up a target through the delegations, download it
// verified. The repository is examples-c/demo-repo, served by a local server.
func ExampleNewUpdater() {
	srv := httptest.NewServer(http.FileServer(http.Dir("../../examples-c/demo-repo")))
	defer srv.Close()
	root, err := os.ReadFile("../../examples-c/demo-repo/root.json")
	if err != nil {
		panic(err)
	}
	dir, _ := os.MkdirTemp("", "tuf-example")
	defer os.RemoveAll(dir)

	updater, err := tuf.NewUpdater(tuf.Config{
		MetadataDir:    filepath.Join(dir, "metadata"),
		MetadataURL:    srv.URL + "/metadata/",
		TargetsDir:     filepath.Join(dir, "targets"),
		TargetsBaseURL: srv.URL + "/targets/",
		BootstrapRoot:  root, // the trusted root shipped with the application
	})
	if err != nil {
		panic(err)
	}
	defer updater.Close()

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := updater.Refresh(ctx); err != nil {
		panic(err)
	}
	info, err := updater.GetTargetInfo(ctx, "apps/app-1.0.tar.gz")
	if err != nil {
		panic(err)
	}
	path, err := updater.DownloadTarget(ctx, info, "")
	if err != nil {
		panic(err)
	}
	fmt.Printf("%s: %d bytes, listed by %s, saved as %s\n", info.Path, info.Length, info.Role, filepath.Base(path))

	_, err = updater.GetTargetInfo(ctx, "apps/app-9.9.tar.gz")
	fmt.Println("unknown target:", errors.Is(err, tuf.ErrTargetNotFound))
	// Output:
	// apps/app-1.0.tar.gz: 47 bytes, listed by apps, saved as apps%2Fapp-1.0.tar.gz
	// unknown target: true
}

// Errors carry the code and the details of what failed; errors.Is matches a code's
// sentinel, errors.As gives the fields.
func ExampleError() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "down for maintenance", http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	root, _ := os.ReadFile("../../examples-c/demo-repo/root.json")
	dir, _ := os.MkdirTemp("", "tuf-example")
	defer os.RemoveAll(dir)
	updater, err := tuf.NewUpdater(tuf.Config{MetadataDir: dir, MetadataURL: srv.URL + "/", BootstrapRoot: root})
	if err != nil {
		panic(err)
	}
	defer updater.Close()

	err = updater.Refresh(context.Background())
	var e *tuf.Error
	if errors.Is(err, tuf.ErrDownload) && errors.As(err, &e) {
		fmt.Println(e.Code == tuf.CodeDownload, e.HTTPStatus, strings.TrimPrefix(e.URL, srv.URL))
	}
	// Output:
	// true 503 /2.root.json
}

// A Fetcher written in Go replaces libcurl, e.g. to read from a local store; libtuf still
// verifies and limits everything it writes.
func ExampleFetcherFunc() {
	store := "../../examples-c/demo-repo"
	fetcher := tuf.FetcherFunc(func(ctx context.Context, url string, maxLength uint64, w io.Writer) error {
		f, err := os.Open(filepath.Join(store, strings.TrimPrefix(url, "store:///")))
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
	root, _ := os.ReadFile(filepath.Join(store, "root.json"))
	dir, _ := os.MkdirTemp("", "tuf-example")
	defer os.RemoveAll(dir)
	updater, err := tuf.NewUpdater(tuf.Config{
		MetadataDir:   dir,
		MetadataURL:   "store:///metadata/",
		BootstrapRoot: root,
		Fetcher:       fetcher,
	})
	if err != nil {
		panic(err)
	}
	defer updater.Close()
	info, err := updater.GetTargetInfo(context.Background(), "docs/README.txt")
	if err != nil {
		panic(err)
	}
	fmt.Println(info.Path, info.Role, info.Hashes[0].Algorithm)
	// Output:
	// docs/README.txt targets sha256
}

// Metadata built and signed in Go, checked by its delegator.
func ExampleNewMetadata() {
	signer, err := tuf.GenerateSigner("ed25519")
	if err != nil {
		panic(err)
	}
	defer signer.Close()
	expires := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	root, _ := tuf.NewMetadata(tuf.RoleRoot, expires)
	defer root.Close()
	for _, role := range []tuf.RoleType{tuf.RoleRoot, tuf.RoleTimestamp, tuf.RoleSnapshot, tuf.RoleTargets} {
		if err := root.AddRootKey(role, signer.Key()); err != nil {
			panic(err)
		}
	}
	if err := root.Sign(signer, false); err != nil {
		panic(err)
	}
	data, _ := root.Bytes(tuf.FormatPretty)

	// Read back and verified as a trusted root: signed by its own root keys.
	read, _ := tuf.MetadataFromBytes(data)
	defer read.Close()
	fmt.Println(read.Type(), read.Version(), read.Expires().Format(time.DateOnly), read.VerifyDelegate("root", read) == nil)
	// Output:
	// root 1 2030-01-01 true
}

// The verifier alone: metadata bytes in, verdicts out, no file or network access.
func ExampleVerifier() {
	md := func(name string) []byte {
		b, err := os.ReadFile("../../examples-c/demo-repo/metadata/" + name)
		if err != nil {
			panic(err)
		}
		return b
	}
	v, err := tuf.NewVerifier(md("1.root.json"), tuf.VerifierOptions{})
	if err != nil {
		panic(err)
	}
	defer v.Close()
	if _, err := v.UpdateTimestamp(md("timestamp.json")); err != nil {
		panic(err)
	}
	if err := v.UpdateSnapshot(md("1.snapshot.json"), false); err != nil {
		panic(err)
	}
	if err := v.UpdateTargets(md("1.targets.json")); err != nil {
		panic(err)
	}
	info, err := v.FindTarget("apps/app-1.1.tar.gz", 0, func(role string, version, maxLength uint64, w io.Writer) error {
		_, err := w.Write(md(fmt.Sprintf("%d.%s.json", version, role)))
		return err
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(info.Path, info.Role)
	// Output:
	// apps/app-1.1.tar.gz apps
}

// The program of examples/minimal (shown in the README) downloads a target from the demo
// repository.
func TestMinimalExampleProgram(t *testing.T) {
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("go not found: %v", err)
	}
	bin := filepath.Join(t.TempDir(), "minimal")
	if out, err := exec.Command(gobin, "build", "-o", bin, "./examples/minimal").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	srv := serveRepo(t, demoRepo(t))
	work := t.TempDir()
	md := filepath.Join(work, "metadata")
	writeFile(t, filepath.Join(md, "root.json"), readFile(t, filepath.Join(demoRepo(t), "root.json")))
	cmd := exec.Command(bin, md, srv.metadataURL(), srv.targetsURL(), "docs/README.txt")
	cmd.Dir = work
	out, err := cmd.CombinedOutput()
	if err != nil || !bytes.Contains(out, []byte("docs/README.txt: ")) || !bytes.Contains(out, []byte(" bytes, verified")) {
		t.Fatalf("minimal: %v\n%s", err, out)
	}
	// Saved in the current directory, the target path percent-encoded as one file name.
	if !bytes.Equal(readFile(t, filepath.Join(work, "docs%2FREADME.txt")),
		readFile(t, filepath.Join(demoRepo(t), "targets", "docs", "f90dd677762b5949425ab47b5eef559aab37cc3965ddf850411f41f29c3afe32.README.txt"))) {
		t.Fatal("minimal saved other bytes")
	}
	cmd = exec.Command(bin, md, srv.metadataURL(), srv.targetsURL(), "missing.txt")
	cmd.Dir = work
	out, err = cmd.CombinedOutput()
	if err == nil || !bytes.Contains(out, []byte("error 12 (")) {
		t.Fatalf("minimal with a missing target: %v\n%s", err, out)
	}
}
