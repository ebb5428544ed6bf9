package main

import (
	"encoding/csv"
	"fmt"
	"time"

	"github.com/mcptray/mcptray/policy"
	"github.com/spf13/cobra"
)

func newAuditExportCmd(e *env) *cobra.Command {
	var since, format, server string
	cmd := &cobra.Command{
		Use:   "export [--since 24h|2026-12-01|RFC3339] [--format jsonl|csv] [--server NAME]",
		Short: "Write the audit log for an auditor: every record as written, with its chain hash",
		Long: `Write the audit log's records to standard output, oldest first.
--format jsonl (the default) writes each line exactly as MCP Tray wrote it, so its chain can be
checked ("prev" is the SHA-256 of the line before); csv writes one row a record with the
line's own hash in the last column. --since takes a length of time back from now (24h), a
date (2026-12-01, local time) or a moment (2026-12-01T09:00:00Z).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			from, err := policy.ParseAuditSince(since, time.Now())
			if err != nil {
				return usageError{err}
			}
			var write func(r policy.AuditRecord, line []byte, hash string) error
			var flush func() error
			switch format {
			case "jsonl", "":
				write = func(_ policy.AuditRecord, line []byte, _ string) error {
					_, err := e.stdout.Write(append(line, '\n'))
					return err
				}
				flush = func() error { return nil }
			case "csv":
				w := csv.NewWriter(e.stdout)
				if err := w.Write(policy.AuditCSVHeader); err != nil {
					return err
				}
				write = func(r policy.AuditRecord, _ []byte, hash string) error { return w.Write(r.CSV(hash)) }
				flush = func() error { w.Flush(); return w.Error() }
			default:
				return usageError{fmt.Errorf("%q is not a format: use jsonl or csv", format)}
			}
			flushAudit(e)
			err = policy.EachAuditLine(e.home.AuditDir(), from, func(r policy.AuditRecord, line []byte, hash string) error {
				if server != "" && r.Server != server {
					return nil
				}
				return write(r, line, hash)
			})
			if err != nil {
				return err
			}
			return flush()
		},
	}
	cmd.Flags().StringVar(&since, "since", "", "only records from then on: 24h, 2026-12-01 or 2026-12-01T09:00:00Z")
	cmd.Flags().StringVar(&format, "format", "jsonl", "jsonl or csv")
	cmd.Flags().StringVar(&server, "server", "", "only this server's calls")
	return cmd
}
