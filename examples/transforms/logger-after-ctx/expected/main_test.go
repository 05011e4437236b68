package main

import (
	"bytes"
	"context"
	"log/slog"
	"testing"
)

func TestReport(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, nil))
	f := report
	if got := f(context.Background(), log, "x"); got != "report: x" {
		t.Fatalf("report = %q", got)
	}
	if !bytes.Contains(buf.Bytes(), []byte("msg=report what=x")) {
		t.Fatalf("log %q", buf.String())
	}
}
