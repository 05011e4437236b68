package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"

	"example.com/logger-after-ctx/store"
)

// report prints one line through a func value with the logger last.
func report(ctx context.Context, log *slog.Logger, what string) string {
	log.Info("report", "what", what)
	return "report: " + what
}

func main() {
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	m := &store.Mem{Values: map[string]int{}}
	var s store.Saver = m
	fmt.Println(store.SaveAll(ctx, log, s, "a", "xx", "b", "yyy"))
	v, err := store.Lookup(ctx, log, m, "b")
	fmt.Println(v, err)
	save := m.Save
	fmt.Println(save(ctx, log, "c", 7))
	f := report
	fmt.Println(f(ctx, log, store.Describe(ctx, log, m)))
}
