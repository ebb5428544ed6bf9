package main

import (
	"context"
	"net/http"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/extension/extensionmiddleware"
	"google.golang.org/grpc"
)

// requestCounter is a collector middleware extension that prints a request line for every
// request either server gets, before the receiver decodes it: the receiver hands its
// consumers only requests that carry something, and a test that nothing was sent must also
// see an empty export.
type requestCounter struct{ out *output }

func (requestCounter) Start(context.Context, component.Host) error { return nil }
func (requestCounter) Shutdown(context.Context) error              { return nil }

// GetHTTPHandler implements extensionmiddleware.HTTPServer.
func (c requestCounter) GetHTTPHandler(context.Context) (extensionmiddleware.WrapHTTPHandlerFunc, error) {
	return func(_ context.Context, next http.Handler) (http.Handler, error) {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			c.out.write(request{Kind: "request", Protocol: "http", Path: r.URL.Path})
			next.ServeHTTP(w, r)
		}), nil
	}, nil
}

// GetGRPCServerOptions implements extensionmiddleware.GRPCServer.
func (c requestCounter) GetGRPCServerOptions(context.Context) ([]grpc.ServerOption, error) {
	count := func(ctx context.Context, req any, info *grpc.UnaryServerInfo, next grpc.UnaryHandler) (any, error) {
		c.out.write(request{Kind: "request", Protocol: "grpc", Path: info.FullMethod})
		return next(ctx, req)
	}
	stream := func(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, next grpc.StreamHandler) error {
		c.out.write(request{Kind: "request", Protocol: "grpc", Path: info.FullMethod})
		return next(srv, ss)
	}
	return []grpc.ServerOption{grpc.ChainUnaryInterceptor(count), grpc.ChainStreamInterceptor(stream)}, nil
}

var (
	_ extensionmiddleware.HTTPServer = requestCounter{}
	_ extensionmiddleware.GRPCServer = requestCounter{}
)
