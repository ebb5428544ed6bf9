package face

func sites() {
	c.Call(ctx, "ping", nil, nil)           // flagged: a method by its name
	c.Stream(ctx, "logs", nil, each)        // flagged
	srv.Handle("clients.set", f)            // flagged
	method := "clients.set"                 // flagged: a dotted name anywhere
	c.Call(ctx, api.Ping.Name, nil, nil)    // fine: through the API package
	w.callOn(t, "ping", "read", "{}")       // fine: a server that happens to be called ping
	fmt.Println("ping", "logs")             // fine: ordinary words
	c.Call(ctx, "no.such.method", nil, nil) // fine: not a method the API declares
}
