module github.com/libtuf/libtuf/bindings/go

go 1.22
