module example.com/logger-after-ctx

go 1.22
