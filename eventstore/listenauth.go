package eventstore

import (
	"crypto/rand"
	"encoding/hex"
	"strings"

	"github.com/nats-io/nats-server/v2/server"
)

// CheckpointStream and CheckpointSubject hold the ledger's signed checkpoints (package
// provenance); readers of the log may read them, only the ledger writes them.
const (
	CheckpointStream  = "OCOP_CHECKPOINTS"
	CheckpointSubject = "ocop.checkpoints"
	// CosignatureStream and CosignatureSubjects hold the witnesses' cosignatures of the
	// checkpoints (package checkpoint); readers may read them, only the ledger writes them.
	CosignatureStream   = "OCOP_COSIGNATURES"
	CosignatureSubjects = "ocop.cosignatures.>"
)

// ListenUser is an account of the external NATS clients of the embedded server (ListenAddr).
type ListenUser struct {
	User     string
	Password string
	// Admin may do what the ledger itself does (append, manage streams): for tools that need it,
	// such as a backup mirror made over NATS. Otherwise the user may only read (ReaderPermissions).
	Admin bool
}

// ledgerUser is the account of the ledger's own in-process connection when the embedded server
// listens; its password is new at every start and never leaves the process.
const ledgerUser = "ocopledger"

// ReaderPermissions are what an external client of the embedded server may do by default (the
// `subscriber` user of deploy/nats/accounts.conf): read the log of stream, the checkpoints and the
// witnesses' cosignatures — stream info, message and direct gets, ordered (ephemeral) consumers —
// and nothing else. It can neither publish events, checkpoints or cosignatures nor create, change,
// purge or delete a stream.
func ReaderPermissions(stream string) *server.Permissions {
	var allow []string
	for _, st := range []string{stream, CheckpointStream, CosignatureStream} {
		allow = append(allow,
			"$JS.API.STREAM.INFO."+st,
			"$JS.API.STREAM.MSG.GET."+st,
			"$JS.API.DIRECT.GET."+st,
			"$JS.API.DIRECT.GET."+st+".>",
			"$JS.API.CONSUMER.CREATE."+st,
			"$JS.API.CONSUMER.CREATE."+st+".>",
			"$JS.API.CONSUMER.INFO."+st+".>",
			"$JS.API.CONSUMER.MSG.NEXT."+st+".>",
			"$JS.API.CONSUMER.DELETE."+st+".>",
			"$JS.ACK."+st+".>",
			"$JS.FC."+st+".>",
		)
	}
	return &server.Permissions{
		Publish: &server.SubjectPermission{
			Allow: append(allow, "$JS.API.INFO"),
			// Redundant with the allow list, and kept so that widening it by mistake still
			// cannot open these.
			Deny: []string{Subjects, CheckpointSubject, CheckpointSubject + ".>", CosignatureSubjects,
				"$JS.API.STREAM.CREATE.>", "$JS.API.STREAM.UPDATE.>", "$JS.API.STREAM.DELETE.>",
				"$JS.API.STREAM.PURGE.>", "$JS.API.STREAM.MSG.DELETE.>", "$JS.API.CONSUMER.DURABLE.CREATE.>"},
		},
		Subscribe: &server.SubjectPermission{
			Allow: []string{"_INBOX.>", Subjects, CheckpointSubject, CosignatureSubjects},
		},
	}
}

// serverUsers returns the accounts of the listening embedded server: the given external users
// and the ledger's own, with its password.
func serverUsers(cfg Config) (users []*server.User, ledgerPassword string, err error) {
	if len(cfg.ListenUsers) == 0 {
		return nil, "", invalid(0, "listen users", "", "are missing: the NATS listener never accepts clients without a user and password")
	}
	seen := map[string]bool{ledgerUser: true}
	for _, u := range cfg.ListenUsers {
		switch {
		case u.User == "" || strings.ContainsAny(u.User, " \t\r\n:@/"):
			return nil, "", invalid(0, "listen user", u.User, "must be a name without spaces, ':', '@' or '/'")
		case seen[u.User]:
			return nil, "", invalid(0, "listen user", u.User, "is given twice, or is the ledger's own user")
		case len(u.Password) < 16:
			return nil, "", invalid(0, "listen password", "", "of user %s is shorter than 16 characters", u.User)
		}
		seen[u.User] = true
		su := &server.User{Username: u.User, Password: u.Password}
		if !u.Admin {
			su.Permissions = ReaderPermissions(cfg.StreamName)
		}
		users = append(users, su)
	}
	ledgerPassword = NewPassword()
	return append(users, &server.User{Username: ledgerUser, Password: ledgerPassword}), ledgerPassword, nil
}

// NewPassword returns a random password of 32 hex digits (128 bits).
func NewPassword() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand does not fail on the systems Go supports
	}
	return hex.EncodeToString(b[:])
}
