package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"

	"example.com/logger-after-ctx/store"
)

// report prints one line through a func value with the logger last.
func report(ctx context.Context, what string, log *slog.Logger) string {
	log.Info("report", "what", what)
	return "report: " + what
}

func main() {
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	m := &store.Mem{Values: map[string]int{}}
	var s store.Saver = m
	fmt.Println(store.SaveAll(ctx, s, log, "a", "xx", "b", "yyy"))
	v, err := store.Lookup(log, ctx, m, "b")
	fmt.Println(v, err)
	save := m.Save
	fmt.Println(save(ctx, "c", 7, log))
	f := report
	fmt.Println(f(ctx, store.Describe(ctx, log, m), log))
}
