package api

import (
	"context"
	"testing"

	"example.com/shop/store"
)

func TestAddItem(t *testing.T) {
	ctx := context.Background()
	s := &Server{Store: store.NewMem()}
	if err := s.Store.Put(store.Order{ID: "1"}, ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.AddItem("1", "tea", ctx); err != nil {
		t.Fatal(err)
	}
	o, _ := s.Store.Get("1", ctx)
	if len(o.Items) != 1 || o.Items[0] != "tea" {
		t.Fatalf("items = %v", o.Items)
	}
}
