package tuf_test

import (
	"context"
	"errors"
	"io"
	"path/filepath"
	"sync"
	"testing"
	"time"

	tuf "github.com/libtuf/libtuf/bindings/go"
	"github.com/libtuf/libtuf/bindings/go/httpfetch"
)

// Callbacks that call the object they run for get ErrState (as libtuf answers such calls)
// instead of waiting forever for the call that runs them.
func TestReentrantCallsAreRefused(t *testing.T) {
	var u *tuf.Updater
	var inner error
	srv := serveRepo(t, demoRepo(t))
	cfg := demoConfig(t, srv)
	var once sync.Once
	http := &httpfetch.Fetcher{}
	cfg.Fetcher = tuf.FetcherFunc(func(ctx context.Context, url string, maxLength uint64, w io.Writer) error {
		once.Do(func() {
			inner = u.Refresh(ctx)
			if err := u.Close(); err != nil && inner == nil {
				inner = err
			}
		})
		return http.Fetch(ctx, url, maxLength, w)
	})
	u = newUpdater(t, cfg)
	if err := u.Refresh(context.Background()); err != nil {
		t.Fatalf("outer refresh: %v", err)
	}
	if !errors.Is(inner, tuf.ErrState) {
		t.Fatalf("refresh from the fetcher: %v", inner)
	}

	// Another goroutine's call waits for the running one instead.
	cfg = demoConfig(t, srv)
	started := make(chan struct{})
	var startOnce sync.Once
	cfg.Fetcher = tuf.FetcherFunc(func(ctx context.Context, url string, maxLength uint64, w io.Writer) error {
		startOnce.Do(func() { close(started); time.Sleep(100 * time.Millisecond) })
		return http.Fetch(ctx, url, maxLength, w)
	})
	u2 := newUpdater(t, cfg)
	done := make(chan error, 1)
	go func() { done <- u2.Refresh(context.Background()) }()
	<-started
	if err := u2.Refresh(context.Background()); err != nil {
		t.Fatalf("concurrent refresh: %v", err)
	}
	if err := <-done; err != nil {
		t.Fatalf("first refresh: %v", err)
	}

	// A loader asking its verifier, a sign function using the metadata it signs.
	v, err := tuf.NewVerifier(readFile(t, filepath.Join(demoRepo(t), "root.json")), tuf.VerifierOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	if _, err := v.UpdateTimestamp(demoMetadata(t, "timestamp.json")); err != nil {
		t.Fatal(err)
	}
	if err := v.UpdateSnapshot(demoMetadata(t, "1.snapshot.json"), false); err != nil {
		t.Fatal(err)
	}
	_, err = v.FindTarget("hello.txt", 0, func(role string, version, maxLength uint64, w io.Writer) error {
		if v.RootVersion() != 0 {
			t.Error("a getter from the loader answered")
		}
		if err := v.UpdateTargets(nil); !errors.Is(err, tuf.ErrState) {
			t.Errorf("update from the loader: %v", err)
		}
		_, err := w.Write(demoMetadata(t, "1."+role+".json"))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	md, err := tuf.NewMetadata(tuf.RoleTimestamp, time.Now().Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	key, err := tuf.GenerateSigner("ed25519")
	if err != nil {
		t.Fatal(err)
	}
	var signer *tuf.Signer
	signer, err = tuf.NewCallbackSigner(key.Key(), func(data []byte) ([]byte, error) {
		if _, err := md.Bytes(tuf.FormatCompact); !errors.Is(err, tuf.ErrState) {
			t.Errorf("metadata from its sign function: %v", err)
		}
		if _, err := signer.Sign(data); !errors.Is(err, tuf.ErrState) {
			t.Errorf("the callback signer from its own function: %v", err)
		}
		return key.Sign(data)
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := md.Sign(signer, false); err != nil {
		t.Fatal(err)
	}
}
