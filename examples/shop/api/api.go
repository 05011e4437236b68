// Package api serves orders from a store.
package api

import (
	"context"
	"log"

	"example.com/shop/store"
)

// Server answers requests.
type Server struct {
	Store store.Store
	Audit func(event string, ctx context.Context)
}

// AddItem appends an item to an order.
func (s *Server) AddItem(id, item string, ctx context.Context) error {
	o, err := s.Store.Get(id, ctx)
	if err != nil {
		return err
	}
	o.Items = append(o.Items, item)
	if s.Audit != nil {
		s.Audit("add "+item, ctx)
	}
	go func() {
		if err := ctx.Err(); err != nil {
			log.Printf("request ended before the item was logged: %v", err)
		}
	}()
	return s.Store.Put(o, ctx)
}
