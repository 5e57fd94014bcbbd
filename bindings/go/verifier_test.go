package tuf_test

import (
	"errors"
	"io"
	"path/filepath"
	"testing"
	"time"

	tuf "github.com/libtuf/libtuf/bindings/go"
)

func demoMetadata(t *testing.T, name string) []byte {
	return readFile(t, filepath.Join(demoRepo(t), "metadata", name))
}

func TestVerifierWorkflow(t *testing.T) {
	v, err := tuf.NewVerifier(readFile(t, filepath.Join(demoRepo(t), "root.json")), tuf.VerifierOptions{StrictKeyids: false})
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	if v.RootVersion() != 1 || !v.ConsistentSnapshot() {
		t.Fatalf("root version %d, consistent snapshot %v", v.RootVersion(), v.ConsistentSnapshot())
	}
	if err := v.UpdateRoot(demoMetadata(t, "1.root.json")); !errors.Is(err, tuf.ErrBadVersion) {
		t.Fatalf("root v1 again: %v", err)
	}
	updated, err := v.UpdateTimestamp(demoMetadata(t, "timestamp.json"))
	if err != nil || !updated {
		t.Fatalf("timestamp: %v %v", updated, err)
	}
	if updated, err := v.UpdateTimestamp(demoMetadata(t, "timestamp.json")); err != nil || updated {
		t.Fatalf("the same timestamp again: %v %v", updated, err)
	}
	if v.TimestampVersion() != 1 || v.SnapshotVersion() != 1 {
		t.Fatalf("versions %d %d", v.TimestampVersion(), v.SnapshotVersion())
	}
	if err := v.UpdateSnapshot(demoMetadata(t, "1.snapshot.json"), false); err != nil {
		t.Fatal(err)
	}
	if v.RoleVersion("targets") != 1 || v.RoleVersion("apps") != 1 || v.RoleVersion("nope") != 0 {
		t.Fatal("role versions")
	}
	if v.TimestampSnapshotKeysRotated() {
		t.Fatal("keys rotated")
	}
	if err := v.UpdateTargets(demoMetadata(t, "1.targets.json")); err != nil {
		t.Fatal(err)
	}
	var asked []string
	info, err := v.FindTarget("apps/app-1.0.tar.gz", 0, func(role string, version, maxLength uint64, w io.Writer) error {
		asked = append(asked, role)
		if version != 1 || maxLength == 0 {
			t.Errorf("loader told version %d, max length %d", version, maxLength)
		}
		_, err := w.Write(demoMetadata(t, "1."+role+".json"))
		return err
	})
	if err != nil || info.Role != "apps" || len(asked) != 1 || asked[0] != "apps" {
		t.Fatalf("FindTarget: %v %+v %v", err, info, asked)
	}
	// The unversioned loader; the role is trusted by now.
	info, err = v.FindTargetUnversioned("apps/app-1.1.tar.gz", 0, func(role string, version, maxLength uint64, w io.Writer) error {
		t.Errorf("asked for %s again", role)
		return nil
	})
	if err != nil || info.Path != "apps/app-1.1.tar.gz" {
		t.Fatalf("FindTargetUnversioned: %v", err)
	}
	if _, err := v.FindTarget("nothing-here", 0, func(string, uint64, uint64, io.Writer) error { return nil }); !errors.Is(err, tuf.ErrTargetNotFound) {
		t.Fatalf("unknown target: %v", err)
	}
}

func TestVerifierLoaderErrors(t *testing.T) {
	newV := func() *tuf.Verifier {
		v, err := tuf.NewVerifier(readFile(t, filepath.Join(demoRepo(t), "root.json")), tuf.VerifierOptions{ReferenceTime: time.Now()})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { v.Close() })
		if _, err := v.UpdateTimestamp(demoMetadata(t, "timestamp.json")); err != nil {
			t.Fatal(err)
		}
		if err := v.UpdateSnapshot(demoMetadata(t, "1.snapshot.json"), false); err != nil {
			t.Fatal(err)
		}
		return v
	}
	missing := errors.New("no such role in my store")
	_, err := newV().FindTarget("hello.txt", 0, func(role string, version, maxLength uint64, w io.Writer) error {
		return missing
	})
	if !errors.Is(err, tuf.ErrDownload) || !errors.Is(err, missing) {
		t.Fatalf("loader error: %v", err)
	}
	_, err = newV().FindTarget("hello.txt", 0, func(role string, version, maxLength uint64, w io.Writer) error {
		panic("loader bug")
	})
	var p *tuf.CallbackPanicError
	if !errors.As(err, &p) || p.Callback != "load" {
		t.Fatalf("panicking loader: %v", err)
	}
	// Loaded bytes are verified: the top-level targets served as "apps".
	_, err = newV().FindTarget("apps/x", 0, func(role string, version, maxLength uint64, w io.Writer) error {
		_, err := w.Write(demoMetadata(t, "1.targets.json"))
		return err
	})
	if err == nil {
		t.Fatal("a loader serving the wrong role was accepted")
	}

	v := newV()
	v.Close()
	if err := v.UpdateTargets(nil); !errors.Is(err, tuf.ErrState) {
		t.Fatalf("closed verifier: %v", err)
	}
	if v.RootVersion() != 0 {
		t.Fatal("closed verifier has a root version")
	}
}

func TestVerifierRejects(t *testing.T) {
	if _, err := tuf.NewVerifier([]byte("{}"), tuf.VerifierOptions{}); !errors.Is(err, tuf.ErrInvalidMetadata) {
		t.Fatalf("junk root: %v", err)
	}
	v, err := tuf.NewVerifier(readFile(t, filepath.Join(demoRepo(t), "root.json")), tuf.VerifierOptions{
		ReferenceTime: time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC),
	})
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	if _, err := v.UpdateTimestamp(demoMetadata(t, "timestamp.json")); !errors.Is(err, tuf.ErrExpired) {
		t.Fatalf("expired timestamp: %v", err)
	}
	if err := v.UpdateDelegatedTargets(demoMetadata(t, "1.apps.json"), "apps", "targets"); err == nil {
		t.Fatalf("delegated role before targets: %v", err)
	}
}
