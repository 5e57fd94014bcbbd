// Command minimal updates metadata from a repository, then downloads one target, verified.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	tuf "github.com/libtuf/libtuf/bindings/go"
)

func run(metadataDir, metadataURL, targetsURL, target string) error {
	// metadataDir must hold the trusted root.json (or set Config.BootstrapRoot).
	updater, err := tuf.NewUpdater(tuf.Config{
		MetadataDir:    metadataDir,
		MetadataURL:    metadataURL,
		TargetsBaseURL: targetsURL,
		TargetsDir:     ".",
	})
	if err != nil {
		return err
	}
	defer updater.Close()
	ctx := context.Background() // cancel it to stop a download
	if err := updater.Refresh(ctx); err != nil {
		return err
	}
	info, err := updater.GetTargetInfo(ctx, target)
	if err != nil {
		return err
	}
	if _, err := updater.DownloadTarget(ctx, info, ""); err != nil {
		return err
	}
	fmt.Printf("%s: %d bytes, verified\n", target, info.Length)
	return nil
}

func main() {
	if len(os.Args) != 5 {
		fmt.Fprintf(os.Stderr, "usage: %s METADATA_DIR METADATA_URL TARGETS_URL TARGET\n", os.Args[0])
		os.Exit(2)
	}
	if err := run(os.Args[1], os.Args[2], os.Args[3], os.Args[4]); err != nil {
		var e *tuf.Error
		if errors.As(err, &e) {
			fmt.Fprintf(os.Stderr, "error %d (%s): %s\n", e.Code, e.Code, e.Message)
		} else {
			fmt.Fprintln(os.Stderr, err)
		}
		os.Exit(1)
	}
}
