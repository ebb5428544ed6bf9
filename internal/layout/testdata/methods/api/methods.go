package api

var (
	Ping       = Method[None, PingResult]{Name: "ping"}
	ClientsSet = Method[ClientSetParams, ClientsResult]{Name: "clients.set"}
	Logs       = Stream[LogsParams, Line]{Name: "logs"}
)
