// Package store keeps orders. Its signatures predate the "ctx first" rule.
package store

import (
	"context"
	"errors"
	"sync"
)

// Store is what the API needs from a store.
type Store interface {
	Get(id string, ctx context.Context) (Order, error)
	Put(o Order, ctx context.Context) error
}

// Order is one order.
type Order struct {
	ID    string
	Items []string
}

// Mem is an in-memory Store.
type Mem struct {
	mu     sync.Mutex
	orders map[string]Order
}

var _ Store = (*Mem)(nil)

// NewMem returns an empty store.
func NewMem() *Mem { return &Mem{orders: map[string]Order{}} }

// Get returns the order with the given id.
func (m *Mem) Get(id string, ctx context.Context) (Order, error) {
	if err := ctx.Err(); err != nil {
		return Order{}, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	o, ok := m.orders[id]
	if !ok {
		return Order{}, errors.New("no order " + id)
	}
	return o, nil
}

// Put stores an order.
func (m *Mem) Put(o Order, ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.orders[o.ID] = o
	return nil
}
