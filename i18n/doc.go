// Package i18n writes what the ledger tells people in their language: the message catalogue
// (Vietnamese, the default, and English), built on golang.org/x/text/message/catalog from the
// domain's rule messages and the adapters' own, with Localize to render an error in either
// language; the command line's help, each command's and flag's text under a key of its own
// (Command, Flag, HelpText); and the one formatter of numbers and durations ("1.400",
// "6,2 giây"; "1,400", "6.2 s"). The command line, the HTTP API, webhooks, the read models and
// reports use it.
package i18n
