module github.com/example/provider

go 1.18
