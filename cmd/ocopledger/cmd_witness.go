package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/i18n"
	"github.com/ocopledger/ocopledger/witness"
)

type witnessOptions struct {
	ledger    string
	ledgerKey []string
	token     string
	state     string
	name      string
	every     time.Duration
	once      bool
	printKey  bool
}

func newWitnessCmd(m *Main) *cobra.Command {
	o := &witnessOptions{}
	c := &cobra.Command{
		Use: "witness " + m.t("--ledger URL --ledger-key KHÓA --state THƯ-MỤC [--token MÃ] [--every 1m] [--once] | --state THƯ-MỤC --print-key",
			"--ledger URL --ledger-key KEY --state DIR [--token T] [--every 1m] [--once] | --state DIR --print-key"),
		Short: m.t("làm bên chứng kiến: theo dõi các điểm kiểm chứng của sổ cái, kiểm tra tính nhất quán và đồng ký xác nhận",
			"act as a witness: follow the ledger's checkpoints, check each is consistent with the last, and cosign it"),
		Long: m.t(`Chạy bởi một bên khác (ví dụ thanh tra tỉnh) để không ai, kể cả Sở, có thể đưa ra hai lịch sử
khác nhau. Bên chứng kiến định kỳ lấy điểm kiểm chứng mới nhất của sổ cái (GET /v1/checkpoints/latest),
kiểm tra chữ ký của sổ cái bằng khóa kiểm tra (--ledger-key), lấy bằng chứng nhất quán từ điểm kiểm
chứng nó đã đồng ký lần trước (GET /v1/proofs/consistency) và tự kiểm tra bằng chứng đó với mã băm gốc
nó đã lưu. Nếu hợp lệ, nó đồng ký (định dạng C2SP tlog-cosignature) và gửi chữ ký cho sổ cái
(POST /v1/checkpoints/cosignatures). Nếu sổ cái đưa ra một lịch sử khác (bị rẽ nhánh hoặc bị viết lại),
nó từ chối ký, lưu bằng chứng (hai điểm kiểm chứng và bằng chứng không hợp lệ) vào thư mục trạng thái
và dừng với mã thoát 6. Khóa ký của bên chứng kiến được tạo ở lần chạy đầu trong thư mục trạng thái;
--print-key in khóa kiểm tra để sổ cái (serve --witness-key) và kiểm toán viên (verify --witness-key)
dùng.
Mã thoát: 0 xong (với --once), 2 dữ liệu nhập không hợp lệ, 5 không được phép, 6 sổ cái không nhất
quán với điểm kiểm chứng đã đồng ký.`,
			`Run by another party (the provincial inspectorate, say) so that no one, the Department
included, can show two different histories. The witness regularly fetches the ledger's latest
checkpoint (GET /v1/checkpoints/latest), checks the ledger's signature with its verifier key
(--ledger-key), fetches the consistency proof from the checkpoint it cosigned last
(GET /v1/proofs/consistency) and checks that proof itself against the root it kept. If it holds, it
cosigns (C2SP tlog-cosignature) and sends the cosignature to the ledger
(POST /v1/checkpoints/cosignatures). If the ledger shows another history (a fork, or a rewritten
history), it refuses to sign, keeps the evidence (both checkpoints and the failing proof) in its state
folder and stops with exit code 6. The witness's signing key is made on first start in its state
folder; --print-key prints its verifier key for the ledger (serve --witness-key) and auditors
(verify --witness-key).
Exit codes: 0 done (with --once), 2 invalid input, 5 unauthorised, 6 the ledger is not consistent
with a checkpoint the witness cosigned.`),
		Example: m.t(`  ocopledger witness --state /var/lib/thanh-tra --print-key > thanh-tra.key
  ocopledger witness --ledger https://so-cong-thuong.example --ledger-key ocop.key --state /var/lib/thanh-tra`,
			`  ocopledger witness --state /var/lib/inspectorate --print-key > inspectorate.key
  ocopledger witness --ledger https://ledger.example --ledger-key ocop.key --state /var/lib/inspectorate`),
		RunE: func(c *cobra.Command, args []string) error { return runWitness(c.Context(), m, o, args) },
	}
	fs := c.Flags()

	fs.StringVar(&o.ledger, "ledger", "", m.t(
		"địa chỉ HTTP của sổ cái, ví dụ http://127.0.0.1:8080",
		"the ledger's HTTP address, e.g. http://127.0.0.1:8080"))
	fs.StringArrayVar(&o.ledgerKey, "ledger-key", nil, m.t(
		"khóa kiểm tra của sổ cái (như ocopledger key in ra), hoặc tệp chứa khóa đó",
		"the ledger's verifier key (as ocopledger key prints it), or a file holding it"))
	fs.StringVar(&o.token, "token", os.Getenv("OCOPLEDGER_TOKEN"), m.t(
		"mã truy cập của sổ cái ($OCOPLEDGER_TOKEN)",
		"bearer token for the ledger ($OCOPLEDGER_TOKEN)"))
	fs.StringVar(&o.state, "state", "", m.t(
		"thư mục trạng thái của bên chứng kiến: khóa ký, điểm kiểm chứng đồng ký gần nhất, bằng chứng",
		"the witness's state folder: its signing key, the last checkpoint it cosigned, evidence"))
	fs.StringVar(&o.name, "name", "", m.t(
		"tên của bên chứng kiến khi tạo khóa mới, dạng địa chỉ không có giao thức (mặc định witness.example/<tên máy>)",
		"the witness's name for a new key, a schema-less URL (default witness.example/<host name>)"))
	fs.DurationVar(&o.every, "every", time.Minute, m.t(
		"khoảng thời gian giữa hai lần kiểm tra", "how often to check the ledger"))
	fs.BoolVar(&o.once, "once", false, m.t(
		"kiểm tra và đồng ký một lần rồi dừng", "check and cosign once, then stop"))
	fs.BoolVar(&o.printKey, "print-key", false, m.t(
		"in khóa kiểm tra của bên chứng kiến (tạo khóa nếu chưa có) rồi dừng",
		"print the witness's verifier key (making the key if there is none), then stop"))
	return c
}

func runWitness(ctx context.Context, m *Main, o *witnessOptions, args []string) error {
	if len(args) > 0 {
		return usagef("%s takes no arguments", "witness")
	}
	if o.state == "" {
		return usageError{domain.Invalid("state", "is missing: give the witness's state folder (its key and what it cosigned are kept there)")}
	}
	key, err := witness.LoadKey(o.state, o.name)
	if err != nil {
		return err
	}
	if key.Created {
		fmt.Fprintf(m.Err, m.t("đã tạo khóa ký mới cho bên chứng kiến %s trong %s; hãy sao lưu tệp này ở nơi an toàn\n",
			"made a new signing key for the witness %s in %s; back this file up somewhere safe\n"), key.Name, key.Path)
	}
	if o.printKey {
		if m.JSON {
			return m.printJSON(map[string]any{"verifier_key": key.VerifierKey, "name": key.Name, "signing_key_file": key.Path, "created": key.Created})
		}
		fmt.Fprintln(m.Out, key.VerifierKey)
		return nil
	}
	if o.ledger == "" {
		return usageError{domain.Invalid("ledger", "is missing: give the ledger's address, like http://127.0.0.1:8080")}
	}
	if err := witness.CheckLedger(o.ledger); err != nil {
		return asUsage(err)
	}
	if len(o.ledgerKey) == 0 {
		return usageError{domain.Invalid("ledger-key", "is missing: give the ledger's verifier key, as ocopledger key prints it")}
	}
	verifiers, err := readVerifiers(o.ledgerKey)
	if err != nil {
		return err
	}
	cfg := witness.Config{Ledger: o.ledger, Verifiers: verifiers, Key: key, Dir: o.state, Token: o.token, Lang: m.Lang, Every: o.every,
		OnRound: func(r witness.Round) error { return printRound(m, r) },
		OnError: func(err error, retryIn time.Duration) {
			fmt.Fprintf(m.Err, m.t("bên chứng kiến: %s (thử lại sau %s)\n", "witness: %s (trying again in %s)\n"), i18n.Localize(err, m.Lang), retryIn)
		}}
	if err := cfg.Validate(); err != nil {
		return asUsage(err)
	}
	w, err := witness.Open(cfg)
	if err != nil {
		return err
	}
	defer w.Close()
	if !o.once {
		return w.Run(ctx)
	}
	r, err := w.Round(ctx)
	if err != nil {
		return err
	}
	return printRound(m, r)
}

// printRound says what a round of the witness did.
func printRound(m *Main, r witness.Round) error {
	switch {
	case r.Outcome == witness.Reposted:
		return nil
	case m.JSON:
		return m.printJSON(map[string]any{"cosigned": r.Outcome == witness.Cosigned, "origin": r.Origin, "size": r.Size, "root": r.Root, "checkpoint": r.Cosigned})
	case r.Outcome == witness.Cosigned:
		fmt.Fprintf(m.Out, m.t("đã đồng ký điểm kiểm chứng %d mục ghi của %s, mã băm gốc %s\n", "cosigned the checkpoint of %d entries of %s, root %s\n"), r.Size, r.Origin, r.Root)
	default:
		fmt.Fprintf(m.Out, m.t("không có gì mới: điểm kiểm chứng %d mục ghi đã được đồng ký\n", "nothing new: the checkpoint of %d entries is already cosigned\n"), r.Size)
	}
	return nil
}

// asUsage makes an invalid option's error a usage error (exit 2, with a hint to the help).
func asUsage(err error) error {
	var e *domain.Error
	if errors.As(err, &e) && e.Code == domain.CodeInvalid {
		return usageError{e}
	}
	return err
}
