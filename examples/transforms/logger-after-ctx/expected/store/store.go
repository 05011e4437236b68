// Package store keeps values by key and logs what it does.
package store

import (
	"context"
	"fmt"
	"log/slog"
)

// Saver saves a value; its logger comes last, after the value.
type Saver interface {
	Save(ctx context.Context, log *slog.Logger, key string, value int) error
}

// Mem is a Saver in memory.
type Mem struct {
	Values map[string]int
}

// Save stores value under key, unless ctx is done.
func (m *Mem) Save(ctx context.Context, log *slog.Logger, key string, value int) error {
	if err := ctx.Err(); err != nil {
		log.Warn("not saved", "key", key, "err", err)
		return err
	}
	m.Values[key] = value
	log.Info("saved", "key", key, "value", value)
	return nil
}

// Lookup finds key; the logger is first, before the context.
func Lookup(ctx context.Context, log *slog.Logger, m *Mem, key string) (int, error) {
	v, ok := m.Values[key]
	if !ok {
		log.Info("missing", "key", key)
		return 0, fmt.Errorf("no %q", key)
	}
	return v, ctx.Err()
}

// Describe already has its logger right after the context: it does not change.
func Describe(ctx context.Context, log *slog.Logger, m *Mem) string {
	log.Debug("describe", "n", len(m.Values))
	return fmt.Sprint(len(m.Values), " values")
}

// SaveAll saves each value through s, in order, and returns how many were saved.
func SaveAll(ctx context.Context, log *slog.Logger, s Saver, kv ...string) int {
	n := 0
	for i := 0; i+1 < len(kv); i += 2 {
		if s.Save(ctx, log, kv[i], len(kv[i+1])) == nil {
			n++
		}
	}
	return n
}
