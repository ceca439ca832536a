package i18n

// The help of the command line (help.go): the words of its help pages, the flags, the commands.
// A text may hold verbs (%s) for what changes with the code, given by the command line.

// helpWords are the help pages' own words.
var helpWords = map[string]bi{
	"usage":          {"Cách dùng:", "Usage:"},
	"examples":       {"Ví dụ:", "Examples:"},
	"own-options":    {"Tùy chọn của lệnh %s:", "Options of the %s command:"},
	"common-options": {"Tùy chọn chung của mọi lệnh:", "Options of every command:"},
	"default":        {"mặc định: %s", "default: %s"},
	"number":         {"<số>", "<number>"},
	"value":          {"<giá-trị>", "<value>"},
	"usage-line":     {"Cách dùng: ocopledger <lệnh> [tham số] [tùy chọn]", "Usage: ocopledger <command> [arguments] [options]"},
	"commands":       {"Các lệnh:", "Commands:"},
	"every-command": {`Mọi lệnh đều nhận --data THƯ-MỤC (mặc định ./ocopledger-data) để chạy trên NATS JetStream nhúng,
hoặc --nats URL để dùng một cụm máy chủ NATS; --lang vi|en để chọn ngôn ngữ (tiếng Việt hoặc
tiếng Anh); --json để in kết quả dạng JSON. Xem hướng dẫn từng lệnh: "ocopledger help <lệnh>".`,
		`Every command takes --data DIR (default ./ocopledger-data) to run on the embedded NATS JetStream,
or --nats URL to use a NATS cluster; --lang vi|en; --json. "ocopledger help <command>" for more.`},
}

// sharedFlags are the descriptions of the flags that mean one thing wherever they are taken: the
// options of every command, and those several commands share (a command's own meaning of one is
// in its flags).
var sharedFlags = map[string]bi{
	"context": {"đọc địa chỉ máy chủ NATS và thông tin đăng nhập từ một ngữ cảnh (context) của công cụ dòng lệnh nats, tệp ~/.config/nats/context/TÊN.json; --nats, --nats-creds… và các biến môi trường của chúng (kể cả $NATS_URL) được ưu tiên",
		"read the NATS server's address and the credentials from a context of the nats command line tool, the file ~/.config/nats/context/NAME.json; --nats, --nats-creds… and their variables ($NATS_URL too) come first"},
	"data": {"thư mục chứa kho sự kiện (NATS JetStream nhúng) và số liệu đã tổng hợp ($OCOPLEDGER_DATA)",
		"directory of the embedded JetStream store and the read models ($OCOPLEDGER_DATA)"},
	"json": {"in kết quả dạng JSON thay cho văn bản",
		"print JSON instead of text"},
	"lang": {"ngôn ngữ hiển thị: vi (tiếng Việt) hoặc en (tiếng Anh) ($OCOPLEDGER_LANG)",
		"language of the output: vi or en ($OCOPLEDGER_LANG)"},
	"listen-nats": {"khi dùng máy chủ nhúng: nhận thêm kết nối của các chương trình NATS (ví dụ công cụ dòng lệnh nats) tại địa chỉ này, ví dụ 127.0.0.1:4222; các chương trình đó chỉ được đọc, và đăng nhập bằng tài khoản trong tệp nats-reader.json của thư mục dữ liệu (tạo ra lần đầu) hoặc $OCOPLEDGER_NATS_READER (tài_khoản:mật_khẩu)",
		"embedded mode: also accept NATS clients (e.g. the nats CLI) on this address, e.g. 127.0.0.1:4222; they may only read, and sign in with the user and password in nats-reader.json of the data folder (made on first use) or $OCOPLEDGER_NATS_READER (user:password)"},
	"nats": {"dùng một máy chủ hoặc cụm máy chủ NATS có sẵn (ví dụ nats://n1:4222,nats://n2:4222) thay cho máy chủ nhúng ($OCOPLEDGER_NATS, $NATS_URL)",
		"use an existing NATS server or cluster (e.g. nats://n1:4222,nats://n2:4222) instead of the embedded one ($OCOPLEDGER_NATS, $NATS_URL)"},
	"nats-ca": {"tệp chứng chỉ CA (PEM) dùng để kiểm tra máy chủ NATS khi kết nối qua TLS ($OCOPLEDGER_NATS_CA, $NATS_CA)",
		"CA certificate file (PEM) to verify the NATS servers over TLS ($OCOPLEDGER_NATS_CA, $NATS_CA)"},
	"nats-cert": {"tệp chứng chỉ (PEM) của chương trình này khi máy chủ NATS đòi TLS hai chiều; đi kèm --nats-key ($OCOPLEDGER_NATS_CERT, $NATS_CERT)",
		"this client's certificate file (PEM) when the NATS servers require mutual TLS; goes with --nats-key ($OCOPLEDGER_NATS_CERT, $NATS_CERT)"},
	"nats-creds": {"tệp thông tin xác thực (credentials) để kết nối máy chủ NATS của --nats: tệp .creds của NATS, hoặc tệp nats-reader.json của --listen-nats ($OCOPLEDGER_NATS_CREDS, $NATS_CREDS)",
		"credentials file for --nats: a NATS .creds file, or the nats-reader.json of --listen-nats ($OCOPLEDGER_NATS_CREDS, $NATS_CREDS)"},
	"nats-key": {"tệp khóa riêng (PEM) của chứng chỉ --nats-cert ($OCOPLEDGER_NATS_KEY, $NATS_KEY)",
		"the private key file (PEM) of --nats-cert ($OCOPLEDGER_NATS_KEY, $NATS_KEY)"},
	"nats-password": {"mật khẩu trên máy chủ NATS của --nats ($OCOPLEDGER_NATS_PASSWORD, $NATS_PASSWORD)",
		"password for --nats ($OCOPLEDGER_NATS_PASSWORD, $NATS_PASSWORD)"},
	"nats-user": {"tên người dùng trên máy chủ NATS của --nats ($OCOPLEDGER_NATS_USER, $NATS_USER)",
		"user name for --nats ($OCOPLEDGER_NATS_USER, $NATS_USER)"},
	"replicas": {"số bản sao của luồng sổ cái khi tạo mới (3 trên một cụm máy chủ)",
		"replicas of the ledger stream when it is created (3 on a cluster)"},
	"v": {"ghi nhật ký hoạt động của sổ cái ra stderr",
		"log what the ledger does to stderr"},
	"as-of": {"ngày lấy số liệu (yyyy-mm-dd hoặc dd/mm/yyyy; mặc định: hôm nay theo giờ Việt Nam)",
		"the day the figures are for (yyyy-mm-dd or dd/mm/yyyy; default: today in Vietnam)"},
	"format": {"dạng kết quả: text (văn bản), csv, xlsx (Excel) hoặc json",
		"the form of the answer: text, csv, xlsx (Excel) or json"},
	"from": {"ngày đầu kỳ của các chỉ tiêu phát sinh trong kỳ, như số hội chợ (mặc định: 2021-01-01)",
		"start of the period of flow figures such as fairs (default 2021-01-01)"},
	"known-at": {"theo những gì sổ cái đã biết tại thời điểm này (ghi một ngày nghĩa là cuối ngày đó theo giờ Việt Nam; mặc định: bây giờ)",
		"as the ledger knew it at this time (a date means the end of that day in Vietnam; default: now)"},
	"new-ledger": {"bắt đầu một sổ cái mới có chủ đích: tạo luồng sổ cái nếu chưa có, quên lịch sử mà thư mục dữ liệu đã ghi nhận và dựng lại số liệu tổng hợp từ sổ cái hiện có",
		"start a new ledger on purpose: create the ledger's stream if missing, forget the history the data directory recorded and rebuild the read models from the log as it is"},
	"out": {"ghi kết quả vào tệp này thay vì in ra (bắt buộc với --format xlsx khi in ra màn hình)",
		"write the answer to this file instead of printing it (needed for --format xlsx on a terminal)"},
	"sep": {"dấu phân cách các cột của CSV: , hoặc ; (Excel cài đặt tiếng Việt cần ;)",
		"the separator of CSV fields: , or ; (Excel set to a Vietnamese locale needs ;)"},
}

// commands are the help of each command, by path ("" is ocopledger itself).
var commands = map[string]command{
	"": {
		use: same("ocopledger"),
		short: bi{"sổ cái sự kiện của Chương trình OCOP",
			"the event ledger of the OCOP programme"},
	},
	"checkpoint": {
		use: same("checkpoint"),
		short: bi{"ký và công bố ngay một điểm kiểm chứng của sổ cái (luồng OCOP_CHECKPOINTS)",
			"sign and publish a checkpoint of the log now (stream OCOP_CHECKPOINTS)"},
		long: bi{`Đọc sổ cái đến hết, ký một điểm kiểm chứng (định dạng C2SP tlog-checkpoint: tên sổ cái, số mục
ghi, mã băm gốc của cây Merkle) bằng khóa ký của thư mục dữ liệu, công bố nó vào luồng
OCOP_CHECKPOINTS (chủ đề ocop.checkpoints, không xóa được) và in nó ra. "ocopledger serve" tự làm việc
này ít nhất mỗi phút khi có mục ghi mới và mỗi khi một báo cáo được nộp.`,
			`Reads the log to its end, signs a checkpoint of it (C2SP tlog-checkpoint: the log's name, the
number of entries, the root hash of the Merkle tree) with the data directory's signing key, publishes
it in the stream OCOP_CHECKPOINTS (subject ocop.checkpoints, which nothing may delete) and prints it.
"ocopledger serve" does so at least every minute while entries arrive, and whenever a report is filed.`},
		example: same(`  ocopledger checkpoint --data ./demo
  ocopledger checkpoint --json > cp-470.json`),
	},
	"completion": {
		use: same("completion bash|zsh|fish|powershell"),
		short: bi{"in đoạn mã để shell tự hoàn thành lệnh và tùy chọn khi nhấn Tab",
			"print the script that lets the shell complete commands and options on Tab"},
		long: bi{`In đoạn mã tự hoàn thành cho bash, zsh, fish hoặc powershell. Với bash, nạp nó trong ~/.bashrc
(cần gói bash-completion); với zsh, lưu vào một thư mục của $fpath; với fish, lưu vào
~/.config/fish/completions.`,
			`Prints the completion script for bash, zsh, fish or powershell. For bash, load it from ~/.bashrc
(the bash-completion package is needed); for zsh, save it in a folder of $fpath; for fish, save it
in ~/.config/fish/completions.`},
		example: same(`  echo 'source <(ocopledger completion bash)' >> ~/.bashrc
  ocopledger completion zsh > "${fpath[1]}/_ocopledger"
  ocopledger completion fish > ~/.config/fish/completions/ocopledger.fish`),
	},
	"demo": {
		use: bi{"demo [--data THƯ-MỤC] [--json] [--lang vi|en]",
			"demo [--data DIR] [--json] [--lang vi|en]"},
		short: bi{"nạp dữ liệu mẫu (demo) tái hiện Công văn 470/SCT-QLTM và đối chiếu số liệu",
			"load a demo history that reproduces Công văn 470/SCT-QLTM, and compare the figures"},
		long: bi{`Nạp vào sổ cái một bộ dữ liệu demo cố định (khoảng 4.500 mục ghi, từ 2012 đến 30/10/2025):
các sản phẩm, chủ thể và địa danh có thật của Chương trình OCOP tại Quảng Ngãi và Kon Tum, cùng dữ
liệu giả lập, có ghi rõ "(dữ liệu giả lập)", cho đủ các số mà báo cáo nêu. Sau đó, với mỗi chỉ
tiêu của ngày 07/08/2025, in ra: số mà Công văn 470/SCT-QLTM nêu; số của sổ cái theo những gì đã
biết đến cuối ngày 07/08/2025 (phải trùng khớp); và theo những gì biết đến nay (các mục ghi sau
ngày báo cáo làm thay đổi một số chỉ tiêu), kèm các mục ghi giải thích từng chênh lệch.

Dữ liệu demo được ghi bổ sung với thời điểm ghi trong quá khứ: hãy nạp vào một sổ cái trống (một
thư mục --data mới). Chạy lại lần nữa thì không ghi thêm gì.

Mã thoát: 0 sổ cái tái lập đúng số liệu của báo cáo, 1 không tái lập được hoặc có lỗi khác.`,
			`Loads a deterministic demo history (about 4,500 entries, 2012 → 30/10/2025) into the ledger:
the real products, producers and places of the OCOP programme in Quảng Ngãi and Kon Tum, and
synthetic data, labelled "(dữ liệu giả lập)", in the numbers the report states. Then prints, for
each figure of 07/08/2025: the value Công văn 470/SCT-QLTM states, the ledger's value as known at
the end of 07/08/2025 (it must be the same), and as known now (entries recorded after the report
change some), with the entries that explain each difference.

The demo is a backfill of past recording times: load it into an empty ledger (a new --data
directory). Running it again stores nothing.

Exit codes: 0 the ledger reproduces the report, 1 it does not or something failed.`},
		example: same(`  ocopledger demo --data ./demo
  ocopledger demo --data ./demo --lang en --json`),
	},
	"diff": {
		use: bi{"diff --as-of NGÀY --known-at THỜI-ĐIỂM-1 [--vs THỜI-ĐIỂM-2]",
			"diff --as-of D --known-at K1 [--vs K2]"},
		short: bi{"so sánh số liệu của một ngày theo sổ cái tại hai thời điểm, kèm các mục ghi đã làm số liệu thay đổi",
			"how the figures of a day differ between two knowledge times, and the entries that changed them"},
		example: same(`  ocopledger diff --as-of 07/08/2025 --known-at 07/08/2025
  ocopledger diff --as-of 07/08/2025 --known-at 07/08/2025 --vs 30/09/2025`),
		flags: map[string]bi{
			"vs": {"thời điểm thứ hai để so sánh (mặc định: bây giờ)",
				"the other knowledge time (default: now)"},
		},
	},
	"expiring": {
		use: bi{"expiring [--within 30d] [--as-of NGÀY] [--known-at THỜI-ĐIỂM]",
			"expiring [--within 30d] [--as-of D] [--known-at K]"},
		short: bi{"các giấy chứng nhận sắp hết hiệu lực (phải báo trước cho chủ thể 30 ngày)",
			"certificates that reach the end of their validity soon (producers must be warned 30 days ahead)"},
		example: same(`  ocopledger expiring --as-of 07/08/2025
  ocopledger expiring --within 90d --json`),
		flags: map[string]bi{
			"within": {"khoảng thời gian tính bằng ngày (30d hoặc 30)",
				"the window, in days (30d or 30)"},
		},
	},
	"explain": {
		use: bi{"explain MÃ-CHỈ-TIÊU [--as-of NGÀY] [--known-at THỜI-ĐIỂM] [--from NGÀY-ĐẦU-KỲ] [--csv | --json]",
			"explain FIGURE [--as-of D] [--known-at K] [--from D0] [--csv | --json]"},
		short: bi{"liệt kê từng đối tượng (sản phẩm, điểm bán…) được tính vào một chỉ tiêu, kèm các mục ghi làm căn cứ",
			"list the items that make up a figure, each with the entries behind it"},
		example: same(`  ocopledger explain ocop.valid --as-of 07/08/2025
  ocopledger explain ocop.valid --as-of 07/08/2025 --csv > 642.csv`),
		flags: map[string]bi{
			"after": {"liệt kê các đối tượng sau con trỏ này (dòng \"trang sau\" của trang trước)",
				"list the items after this cursor (the \"next\" line of the page before)"},
			"csv": {"như --format csv: danh sách dạng CSV (UTF-8, mở được bằng Excel), mỗi đối tượng một dòng, đủ mọi cột",
				"as --format csv: the list as CSV (UTF-8, opens in Excel), one item a line, every column"},
			"limit": {"chỉ liệt kê tối đa bấy nhiêu đối tượng, một trang (0: tất cả); trang sau: --after",
				"list at most this many items, a page (0: all); the next page: --after"},
		},
	},
	"export": {
		use: bi{"export [--out TỆP] [--hashes TỆP] [--mirror LUỒNG] [--salvage]",
			"export [--out FILE] [--hashes FILE] [--mirror STREAM] [--salvage]"},
		short: bi{"xuất toàn bộ sổ cái, mỗi dòng một mục ghi đúng như đã lưu, theo thứ tự vị trí (định dạng sao lưu)",
			"write the whole log, one entry per line exactly as stored, in position order (the backup format)"},
		long: bi{`Dòng thứ i là mục ghi ở vị trí i của sổ cái, đúng từng byte như sổ cái lưu (định dạng 2,
docs/export.md). Một mục ghi không phải sự kiện (dữ liệu lạ ai đó đã gửi vào) vẫn được giữ nguyên
byte, gói trong {"ocopledger_unreadable":…}. Kho sự kiện chỉ được đọc, không ghi gì.

Khi kho không đọc được một vị trí (khối dữ liệu bị hỏng, thông điệp bị xóa, sổ cái bị cắt ngắn),
lệnh dừng lại, nêu các vị trí bị thiếu và không để lại tệp --out dở dang. Với --salvage, lệnh ghi
mọi mục ghi còn đọc được, ghi {"ocopledger_missing":…} vào chỗ mỗi vị trí bị thiếu (số dòng vẫn
là vị trí), rồi liệt kê các vị trí đó.

Mã thoát: 0 đã xuất đầy đủ (kể cả các mục ghi không phải sự kiện); 6 sổ cái bị thiếu vị trí (với
--salvage: tệp đã được ghi nhưng không đầy đủ); 3 không có luồng để đọc; 1 lỗi khác.`,
			`Line i is the entry at position i of the log, byte for byte as the log stores it (format 2,
docs/export.md). An entry that is not an event (foreign data someone published) keeps its exact
bytes, wrapped in {"ocopledger_unreadable":…}. The store is only read, never written.

When the store cannot give back a position (a damaged message block, a deleted message, a log cut
short), the command stops, names the missing positions and leaves no partial --out file. With
--salvage it writes every entry it can read, {"ocopledger_missing":…} in the place of each
missing position (line numbers stay positions), and lists them.

Exit codes: 0 exported in full (entries that are not events included); 6 positions are missing
from the log (with --salvage: the file is written but incomplete); 3 no stream to read; 1 other
failure.`},
		example: same(`  ocopledger export --out sao-luu.jsonl
  ocopledger export --nats nats://backup:4222 --mirror OCOP_LEDGER_BACKUP --out sao-luu.jsonl
  ocopledger export --salvage --out cuu-du-lieu.jsonl
  ocopledger export --out sao-luu.jsonl --hashes sao-luu.hashes`),
		flags: map[string]bi{
			"hashes": {"ghi thêm tệp mã băm: dòng i là mã băm lá (base64) của mục ghi ở vị trí i; ocopledger verify --hashes dùng nó để chỉ đúng dòng bị sửa của một bản xuất",
				"also write a hashes file: line i is the leaf hash (base64) of the entry at position i; ocopledger verify --hashes uses it to name the very line of an export that was changed"},
			"mirror": {"đọc bản sao lưu: luồng JetStream sao chép sổ cái (ví dụ OCOP_LEDGER_BACKUP), mở ở chế độ chỉ đọc",
				"read a backup: the JetStream stream that mirrors the ledger (e.g. OCOP_LEDGER_BACKUP), opened read-only"},
			"out": {"ghi ra tệp này thay vì stdout",
				"write to this file instead of stdout"},
			"salvage": {"cứu dữ liệu từ một kho bị hỏng: ghi mọi mục ghi còn đọc được và đánh dấu các vị trí bị thiếu thay vì dừng lại",
				"salvage a damaged store: write every entry that can be read and mark the missing positions instead of stopping"},
		},
	},
	"figures": {
		use: bi{"figures [--as-of NGÀY] [--known-at THỜI-ĐIỂM] [--from NGÀY-ĐẦU-KỲ] [--by TIÊU-CHÍ[,TIÊU-CHÍ]] [--json]",
			"figures [--as-of D] [--known-at K] [--from D0] [--by DIM[,DIM]] [--json]"},
		short: bi{"số liệu của báo cáo cho một ngày, theo sổ cái tại một thời điểm, có phân tổ",
			"the report's figures for a day, as known at a time, with breakdowns"},
		long: bi{`Mỗi chỉ tiêu có một mã cố định (ocop.valid, salespoints.open, fairs.province…); lệnh
"ocopledger figures --list" liệt kê các mã cùng ý nghĩa của chúng. Chỉ tiêu thời điểm đếm những gì
đang có vào ngày đó; chỉ tiêu phát sinh trong kỳ (hội chợ, lượt tham gia) đếm những gì diễn ra từ
--from đến --as-of.
Tiêu chí phân tổ dùng cho --by: %s`,
			`Figures are identified by stable IDs (ocop.valid, salespoints.open, fairs.province…);
"ocopledger figures --list" lists them with their meaning. Stock figures count what holds on the
day; flow figures (fairs, participations) count what happened from --from to --as-of.
Dimensions for --by: %s`},
		example: same(`  ocopledger figures --as-of 07/08/2025 --known-at 07/08/2025
  ocopledger figures --as-of 30/06/2025 --by stars,former_province
  ocopledger figures --list`),
		flags: map[string]bi{
			"by": {"phân tổ số liệu theo các tiêu chí này, cách nhau bằng dấu phẩy",
				"break the figures down by these dimensions, comma-separated"},
			"list": {"liệt kê các mã chỉ tiêu và ý nghĩa của chúng",
				"list the figure IDs and what they mean"},
		},
	},
	"help": {
		use: bi{"help [lệnh]",
			"help [command]"},
		short: bi{"in hướng dẫn của một lệnh, hoặc danh sách các lệnh",
			"print the help of a command, or the list of commands"},
		example: same(`  ocopledger help figures
  ocopledger help record --lang en`),
	},
	"import": {
		use: bi{"import TỆP.xlsx|TỆP.csv --kind LOẠI [--dry-run] | --template LOẠI --out TỆP.xlsx",
			"import FILE.xlsx|FILE.csv --kind KIND [--dry-run] | --template KIND --out FILE.xlsx"},
		short: bi{"nhập một bảng Excel hoặc CSV (phụ lục quyết định OCOP, danh sách điểm bán): kiểm tra mọi dòng, chỉ ghi khi tất cả hợp lệ",
			"import an Excel or CSV table (an OCOP decision's annex, a list of sales points): every row checked, stored only when all are valid"},
		long: bi{`Đọc trang đầu tiên của tệp .xlsx (hoặc tệp .csv), tìm dòng tiêu đề của bảng (bên dưới các dòng
tiêu đề gộp ô và các thông tin ghi một lần như "Số quyết định: 1425/QĐ-UBND"), kiểm tra mọi dòng theo
đúng các quy định của lệnh record và liệt kê mọi lỗi cùng lúc, mỗi lỗi với số dòng và tên cột. Không
ghi gì nếu còn một dòng lỗi. Nhập lại cùng một tệp không ghi thêm gì. Các loại bảng và cột: docs/import.md.
Mã thoát: 0 đã nhập (hoặc đã có từ trước), 2 có dòng lỗi (không ghi gì), 1 lỗi khác.`,
			`Reads the first sheet of an .xlsx file (or a .csv file), finds the table's header row (below merged
title rows and the values given once above it, such as the decision's number), checks every row by the rules
of the record command and lists every error at once, each with its row number and column. Nothing is
stored while one row is wrong. Importing the same file again stores nothing new. Kinds and columns:
docs/import.md. Exit codes: 0 imported (or already present), 2 rows with errors (nothing stored), 1 other.`},
		example: same(`  ocopledger import phu-luc-1425.xlsx --kind ocop-decision --dry-run
  ocopledger import phu-luc-1425.xlsx --kind ocop-decision
  ocopledger import --template ocop-decision --out mau-quyet-dinh.xlsx`),
		flags: map[string]bi{
			"actor": {"người ghi các mục này",
				"who records the entries"},
			"dry-run": {"chỉ kiểm tra, không ghi gì",
				"check only; store nothing"},
			"kind": {"loại bảng: %s",
				"the kind of table: %s"},
			"out": {"tệp .xlsx để ghi mẫu",
				"the .xlsx file to write the template to"},
			"partial": {"ghi các dòng hợp lệ dù còn dòng lỗi; các dòng lỗi được ghi ra tệp --rejects để sửa và nhập lại",
				"store the valid rows even when others have errors; the rows with errors go to the --rejects file to fix and import again"},
			"rejects": {"tệp .xlsx ghi các dòng lỗi (cùng tiêu đề, thêm cột lỗi); mặc định với --partial: TỆP-loi.xlsx",
				"the .xlsx file for the rows with errors (the same header plus an error column); default with --partial: FILE-loi.xlsx"},
			"source": {"văn bản làm căn cứ (mặc định: tên tệp)",
				"the source document (default: the file's name)"},
			"template": {"ghi một tệp mẫu trống của loại bảng này (cùng --out)",
				"write a blank template of this kind (with --out)"},
		},
	},
	"key": {
		use: bi{"key [--signing-key TỆP] [--origin TÊN]",
			"key [--signing-key FILE] [--origin NAME]"},
		short: bi{"in khóa kiểm tra của sổ cái để công bố (tạo khóa ký nếu chưa có)",
			"print the log's verifier key to publish (making the signing key if there is none)"},
		long: bi{`In khóa kiểm tra (khóa công khai) mà kiểm toán viên dùng để kiểm tra các điểm kiểm chứng do
sổ cái ký: "ocopledger verify --key …". Khóa ký (khóa bí mật) nằm trong thư mục dữ liệu, tệp
%[1]s (chỉ chủ sở hữu đọc được), và được tạo ở lần dùng đầu tiên; một bản triển
khai có thể đưa tệp khóa riêng bằng --signing-key hoặc biến môi trường %[2]s.
Tên của sổ cái (--origin) được ghi vào khóa khi tạo và không bao giờ đổi.`,
			`Prints the verifier key (the public key) auditors use to check the checkpoints the ledger signs:
"ocopledger verify --key …". The signing key (the secret one) is kept in the data directory, file
%[1]s (readable by its owner only), made on first use; a deployment may give its
own key file with --signing-key or the environment variable %[2]s. The log's
name (--origin) is written into the key when it is made and never changes.`},
		example: same("  ocopledger key > ocop.key"),
		flags: map[string]bi{
			"origin": {"tên của sổ cái khi tạo khóa mới, dạng địa chỉ không có giao thức (mặc định %s, tên giả lập)",
				"the log's name for a new key, a schema-less URL (default %s, a synthetic name)"},
			"signing-key": {"tệp khóa ký do bản triển khai đưa vào (mặc định: $%s, nếu không thì tệp trong thư mục dữ liệu)",
				"a signing key file given by the deployment (default: $%s, else the data directory's)"},
		},
	},
	"log": {
		use: bi{"log [--stream HỒ-SƠ] [--type LOẠI] [--from SỐ] [--to SỐ] [--limit SỐ]",
			"log [--stream S] [--type T] [--from N] [--to N] [--limit N]"},
		short: bi{"liệt kê các sự kiện đã ghi, lọc theo hồ sơ, loại sự kiện và vị trí",
			"list recorded events, filtered by stream, type and position"},
		example: same(`  ocopledger log --stream 'product.*' --type 'ocop.*'
  ocopledger log --from 4500 --limit 20 --json
  ocopledger log --follow`),
		flags: map[string]bi{
			"follow": {"tiếp tục theo dõi các sự kiện mới",
				"keep following new events"},
			"from": {"vị trí đầu tiên trong sổ cái",
				"first log position"},
			"limit": {"tối đa bấy nhiêu sự kiện (0: tất cả)",
				"at most this many events (0: all)"},
			"stream": {"chỉ hồ sơ này, ví dụ product.toi-ly-son (dấu * ở cuối để lấy mọi hồ sơ bắt đầu như vậy: product.*)",
				"only this record, e.g. product.toi-ly-son (a trailing * matches a prefix: product.*)"},
			"to": {"vị trí cuối cùng trong sổ cái (0: đến hết)",
				"last log position (0: the end)"},
			"type": {"chỉ các sự kiện thuộc loại này (dấu * ở cuối để lấy mọi loại bắt đầu như vậy: ocop.*)",
				"only events of this type (a trailing * matches a prefix: ocop.*)"},
		},
	},
	"prove": {
		use: bi{"prove --position N | --id MÃ [--size N] | --from M [--to N]",
			"prove --position N | --id ID [--size N] | --from M [--to N]"},
		short: bi{"in bằng chứng (JSON) rằng một mục ghi nằm trong sổ cái, hoặc sổ cái cũ là phần đầu của sổ cái mới",
			"print a proof (JSON) that an entry is in the log, or that an older log is a prefix of a newer"},
		long: bi{`In ra bằng chứng dạng JSON mà "ocopledger verify --proof TỆP --key KHÓA" kiểm tra được, không cần
máy chủ: với --position hoặc --id, rằng mục ghi đó nằm trong sổ cái N mục ghi (--size, mặc định là
điểm kiểm chứng đã công bố gần nhất); với --from M, rằng sổ cái M mục ghi là phần đầu của sổ cái N mục
ghi (--to, mặc định là toàn bộ sổ cái đã đọc). Bằng chứng kèm điểm kiểm chứng đã ký.`,
			`Prints a proof in JSON that "ocopledger verify --proof FILE --key KEY" checks without any server:
with --position or --id, that the entry is in the log of N entries (--size, default: the last
published checkpoint); with --from M, that the log of M entries is a prefix of the log of N entries
(--to, default: all of the log read). The proof carries its signed checkpoints.`},
		example: bi{`  ocopledger prove --id cert-toi-ly-son-5 > bang-chung.json
  ocopledger prove --from 4519 > nhat-quan.json`,
			`  ocopledger prove --id cert-toi-ly-son-5 > proof.json
  ocopledger prove --from 4519 > consistency.json`},
		flags: map[string]bi{
			"from": {"số mục ghi của sổ cái cũ",
				"the older log's size"},
			"id": {"mã của mục ghi",
				"the entry's ID"},
			"position": {"vị trí của mục ghi trong sổ cái (từ 1)",
				"the entry's position in the log (from 1)"},
			"size": {"số mục ghi của sổ cái mà bằng chứng dựa vào",
				"the size of the log the proof is against"},
			"to": {"số mục ghi của sổ cái mới (mặc định: toàn bộ)",
				"the newer log's size (default: all of it)"},
		},
	},
	"rebuild": {
		use: bi{"rebuild [--batch SỐ]",
			"rebuild [--batch N]"},
		short: bi{"xóa số liệu đã tổng hợp và dựng lại từ sổ cái (có thanh tiến độ)",
			"drop the read models and rebuild them from the log (with a progress bar)"},
		example: same(`  ocopledger rebuild --data ./demo
  ocopledger rebuild --nats nats://n1:4222,nats://n2:4222 --batch 5000`),
		flags: map[string]bi{
			"batch": {"số sự kiện được áp dụng trong mỗi lần ghi số liệu đã tổng hợp",
				"events applied per read-model transaction"},
		},
	},
	"reconcile": {
		use: bi{"reconcile SỐ-HIỆU-VĂN-BẢN|MÃ-BÁO-CÁO [--format text|md|json]",
			"reconcile DOCUMENT-NUMBER|REPORT-ID [--format text|md|json]"},
		short: bi{"đối chiếu một báo cáo đã nộp với sổ cái: theo những gì biết khi nộp, và hiện nay",
			"check a filed report against the ledger: as known when it was filed, and now"},
		long: bi{`Tìm mục ghi report.filed của báo cáo (theo số hiệu văn bản, ví dụ 470/SCT-QLTM, hoặc theo mã
báo cáo, ví dụ 470-SCT-QLTM) và đối chiếu từng chỉ tiêu báo cáo đã nêu với sổ cái cho ngày lấy số
liệu của báo cáo: theo những gì sổ cái biết khi báo cáo được ghi nhận, và theo những gì biết đến
nay. Nêu các mục ghi từ đó đến nay đã làm thay đổi từng chỉ tiêu; chỉ tiêu nào mà sổ cái lúc nộp
không cho ra đúng số báo cáo đã nêu thì liệt kê các đối tượng sổ cái đã đếm.

Mã thoát: 0 báo cáo khớp với sổ cái tại thời điểm nộp (số liệu có thể đã thay đổi sau đó),
4 không khớp (được đánh dấu trong kết quả), 3 không có báo cáo này, 2 dữ liệu nhập không hợp lệ,
1 lỗi khác.`,
			`Finds the report.filed entry of the report (by its document number, e.g. 470/SCT-QLTM, or its
report ID, e.g. 470-SCT-QLTM) and sets each figure it stated against the ledger for its as-of day:
as the ledger knew it when the report was recorded, and as it knows it now. Names the entries
recorded since that change each figure, and, where the ledger at filing did not give the stated
figure, lists the items it counted.

Exit codes: 0 the report matched the ledger at filing time (figures may have changed since),
4 it did not (flagged in the output), 3 no such report, 2 invalid input, 1 other failure.`},
		example: same(`  ocopledger reconcile 470/SCT-QLTM
  ocopledger reconcile 470-SCT-QLTM --format md --lang en`),
		flags: map[string]bi{
			"format": {"định dạng: text (văn bản), md (Markdown) hoặc json (--json tương đương với --format json)",
				"text, md or json (--json is the same as --format json)"},
		},
	},
	"record": {
		use: bi{"record <loại-sự-kiện> [--file TỆP | --set a.b=v ...] [tùy chọn]",
			"record <event-type> [--file F | --set a.b=v ...] [options]"},
		short: bi{"ghi một sự kiện (nội dung JSON qua stdin, từ --file, hoặc bằng --set trường=giá-trị)",
			"record an event (payload as JSON on stdin, from --file, or as --set field=value)"},
		long: bi{`Ghi một sự kiện sau khi kiểm tra nó theo các quy định và theo lịch sử của hồ sơ chứa nó.
In ra vị trí đã lưu trong sổ cái. Các loại sự kiện và trường của từng loại: docs/events.md; lệnh
"ocopledger record" không kèm loại sự kiện sẽ liệt kê các loại.
Mã thoát: 0 đã ghi (hoặc đã ghi trước đó với cùng --id), 2 dữ liệu nhập không hợp lệ, 4 mâu thuẫn
với lịch sử của hồ sơ hoặc --expected-version đã cũ, 1 lỗi khác.`,
			`Records one event after checking it against the rules and the history of its record.
Prints the stored position. Event types and their fields: docs/events.md; "ocopledger record"
without an event type lists the types.
Exit codes: 0 recorded (or already recorded with the same --id), 2 invalid input, 4 conflict with the
history or a stale --expected-version, 1 other failure.`},
		example: same(`  echo '{"salespoint_id":"sp-ly-son",...}' | ocopledger record salespoint.opened --source "QĐ 12/QĐ-SCT"
  ocopledger record salespoint.closed --set salespoint_id=sp-ly-son --set closed_on=2025-09-30`),
		flags: map[string]bi{
			"actor": {"người ghi mục này",
				"who records the entry"},
			"correlation-id": {"mã dùng để liên kết các mục ghi có liên quan với nhau",
				"correlation ID to link entries"},
			"expected-version": {"chỉ ghi nếu hồ sơ đang ở đúng phiên bản này (tránh ghi đè khi nhiều người cùng ghi)",
				"refuse unless the record is at this version (optimistic concurrency)"},
			"file": {"đọc nội dung JSON từ tệp này ('-' hoặc để trống: đọc từ stdin)",
				"read the JSON payload from this file ('-' or empty: stdin)"},
			"id": {"mã của mục ghi; ghi lại với cùng mã thì sổ cái không bao giờ ghi hai lần (mặc định: một mã mới)",
				"entry ID; retrying with the same ID never records twice (default: a new ID)"},
			"recorded-at": {"ghi bổ sung: thời điểm sổ cái biết đến sự việc (theo chuẩn RFC 3339); chỉ dùng khi chuyển dữ liệu từ sổ theo dõi cũ",
				"backfill: when the ledger learned it (RFC 3339); only for migrations of old registers"},
			"set": {"gán giá trị cho một trường của nội dung, ví dụ --set stars=4 --set decision.date=2025-07-20 (dùng được nhiều lần)",
				"set a payload field, e.g. --set stars=4 --set decision.date=2025-07-20 (repeatable)"},
			"source": {"văn bản làm căn cứ, ví dụ \"QĐ 1425/QĐ-UBND\"",
				"the source document, e.g. \"QĐ 1425/QĐ-UBND\""},
		},
	},
	"report": {
		use: bi{"report [--as-of NGÀY] [--known-at THỜI-ĐIỂM] [--from NGÀY-ĐẦU-KỲ] [--format text|md|json|pdf] [--out TỆP] [--lang vi|en]",
			"report [--as-of D] [--known-at K] [--from D0] [--format text|md|json|pdf] [--out FILE] [--lang vi|en]"},
		short: bi{"viết phần số liệu của báo cáo OCOP (theo lời văn của Công văn 470/SCT-QLTM) cho một ngày",
			"write the figures section of the OCOP report (Công văn 470/SCT-QLTM wording) for a day"},
		long: bi{`Viết các câu của phần số liệu trong báo cáo (CNNTTB, sản phẩm OCOP theo hạng sao, điểm bán,
thương mại điện tử, xúc tiến thương mại) bằng số liệu của sổ cái cho ngày --as-of, theo những gì
sổ cái đã biết tại --known-at, kèm chú thích nêu tên các sản phẩm 5 sao và các sản phẩm CNNTTB cấp
quốc gia. Bản tiếng Việt theo văn phong của báo cáo: "02" cho số nhỏ hơn mười, "1.400" cho hàng
nghìn, ngày ghi dd/mm/yyyy.`,
			`Writes the sentences of the report's figures section (CNNTTB, OCOP stars, sales points,
e-commerce, trade promotion) with the ledger's numbers for --as-of, as the ledger knew them at
--known-at, and footnotes naming the 5-star products and the national CNNTTB products.
Vietnamese follows the report's style: "02" for numbers under ten, "1.400" for thousands,
dates dd/mm/yyyy.`},
		example: same(`  ocopledger report --as-of 07/08/2025 --known-at 07/08/2025
  ocopledger report --as-of 2025-08-07 --format md --lang en
  ocopledger report --as-of 07/08/2025 --format pdf --out bao-cao.pdf`),
		flags: map[string]bi{
			"format": {"định dạng: text (văn bản), md (Markdown), json (--json tương đương với --format json) hoặc pdf (bản in khổ A4 theo thể thức công văn)",
				"text, md, json (--json is the same as --format json) or pdf (an A4 print in the layout of the Công văn)"},
			"out": {"ghi ra tệp này thay vì stdout",
				"write to this file instead of stdout"},
		},
	},
	"restore": {
		use: bi{"restore TỆP.jsonl [--allow-missing]",
			"restore FILE.jsonl [--allow-missing]"},
		short: bi{"khôi phục bản xuất của `ocopledger export` vào một sổ cái trống (bị ngắt thì chạy lại để làm tiếp)",
			"restore a log exported with `ocopledger export` into an empty ledger (resumable)"},
		long: bi{`Đọc tệp do "ocopledger export" ghi ra và ghi lại từng mục ghi vào đúng vị trí của nó: với định
dạng 2, đúng từng byte như sổ cái gốc đã lưu (kể cả các mục ghi không phải sự kiện), nên sổ cái
khôi phục có cùng gốc cây Merkle; với định dạng cũ (các dòng bắt đầu bằng {"sequence":), giữ
nguyên mã, phiên bản và thời điểm ghi ban đầu. Sổ cái phải trống, hoặc chỉ chứa những mục ghi đầu
tiên của chính sổ cái đã xuất (lần khôi phục bị ngắt giữa chừng sẽ được làm tiếp khi chạy lại).
Không có gì bị xóa hay ghi đè.

Một bản xuất bằng --salvage có các dòng {"ocopledger_missing":…} ở những vị trí kho không đọc được:
lệnh từ chối khôi phục bản sao lưu không đầy đủ đó, trừ khi có --allow-missing; khi đó mỗi vị trí
bị thiếu được ghi một mục đánh dấu (chính dòng đó, trên chủ đề ocop.events.ocopledger.missing) để
mọi mục ghi khác giữ đúng vị trí của nó.`,
			`Reads a file written by "ocopledger export" and stores every entry at its position: in format 2
byte for byte as the original log stored it (entries that are not events included), so that the
restored log has the same Merkle root; in the old format (lines starting with {"sequence":) with
their original IDs, versions and recording times. The ledger must be empty or hold the first
entries of the same log (an interrupted restore is resumed by running it again). Nothing is
deleted or rewritten.

An export made with --salvage holds {"ocopledger_missing":…} lines where the store could not read
an entry: such an incomplete backup is refused unless --allow-missing is given; each missing
position then gets a marker entry (the line itself, on subject ocop.events.ocopledger.missing) so
that every other entry keeps its position.`},
		example: same(`  ocopledger restore sao-luu.jsonl --data ./khoi-phuc
  ocopledger restore cuu-du-lieu.jsonl --data ./khoi-phuc --allow-missing`),
		flags: map[string]bi{
			"allow-missing": {"khôi phục cả một bản sao lưu không đầy đủ (export --salvage): ghi một mục đánh dấu vào mỗi vị trí bị thiếu",
				"restore an incomplete backup (export --salvage) too: store a marker entry at each missing position"},
		},
	},
	"serve": {
		use: bi{"serve [--addr 127.0.0.1:8080] [--tokens TỆP] [--public-read] [--demo]",
			"serve [--addr 127.0.0.1:8080] [--tokens FILE] [--public-read] [--demo]"},
		short: bi{"chạy máy chủ HTTP: API, các luồng cập nhật trực tiếp và bảng điều khiển (một tiến trình: sổ cái + API)",
			"serve the HTTP API, the streams and the dashboard (one process: the ledger and the API)"},
		long: bi{`Chạy sổ cái trong một tiến trình: kho sự kiện (nhúng, hoặc --nats), số liệu đã tổng hợp được
cập nhật liên tục ở chế độ nền, API HTTP dưới /v1 (mô tả OpenAPI tại /v1/openapi.json), các luồng
cập nhật trực tiếp (Server-Sent Events), /healthz, /readyz, /metrics, và các phần gắn thêm (bảng
điều khiển, webhook…).

Quyền truy cập: mã truy cập (bearer token) với các vai trò viewer < recorder < admin, lấy từ
--tokens TỆP (JSON [{"token","role","identity"}] hoặc mỗi dòng "token role identity") hoặc từ
$OCOPLEDGER_TOKENS ("token:role:identity,…"); --public-read cho phép mọi người xem. Khi không có
mã truy cập nào, máy chủ chạy ở chế độ mở cục bộ (mọi việc đều được phép, với danh tính "local"),
và chỉ chạy như vậy trên địa chỉ nội bộ của máy (loopback).

Dừng an toàn khi nhấn Ctrl-C hoặc nhận tín hiệu SIGTERM.`,
			`Runs the ledger in one process: the event store (embedded, or --nats), the read models kept
up to date in the background, the HTTP API under /v1 (OpenAPI at /v1/openapi.json), Server-Sent
Event streams, /healthz, /readyz, /metrics, and the parts that plug in (dashboard, webhooks…).

Access: bearer tokens with the roles viewer < recorder < admin, from --tokens FILE (JSON
[{"token","role","identity"}] or lines "token role identity") or $OCOPLEDGER_TOKENS
("token:role:identity,…"); --public-read lets anyone read. With no tokens at all the server runs
in open local mode (everything allowed, as "local"), which it only does on a loopback address.

Stops cleanly on Ctrl-C or SIGTERM.`},
		example: same(`  ocopledger serve --demo --data ./demo
  ocopledger serve --addr 0.0.0.0:8080 --tokens /etc/ocopledger/tokens.json --nats nats://n1:4222,nats://n2:4222`),
		flags: map[string]bi{
			"addr": {"địa chỉ HTTP mà máy chủ nhận kết nối ($OCOPLEDGER_ADDR)",
				"HTTP address to listen on ($OCOPLEDGER_ADDR)"},
			"demo": {"nạp dữ liệu demo trước khi chạy (nếu đã có thì không ghi thêm gì)",
				"load the demo history first (idempotent)"},
			"instance": {"tên của tiến trình máy chủ này (nhiều tiến trình có thể dùng chung một cụm máy chủ NATS) ($OCOPLEDGER_INSTANCE)",
				"name of this instance (several may share one cluster) ($OCOPLEDGER_INSTANCE)"},
			"public-read": {"cho phép mọi người xem số liệu, sổ cái và các luồng cập nhật mà không cần mã truy cập",
				"let anyone read figures, the log and the streams without a token"},
			"tokens": {"tệp mã truy cập (JSON, hoặc mỗi dòng \"token role identity\") ($OCOPLEDGER_TOKENS_FILE)",
				"file of bearer tokens (JSON, or lines \"token role identity\") ($OCOPLEDGER_TOKENS_FILE)"},
			"witness-key": {"khóa kiểm tra của một bên chứng kiến (như ocopledger witness --print-key in ra), hoặc tệp chứa khóa đó: sổ cái nhận và công bố chữ ký đồng xác nhận của bên đó; có thể nêu nhiều lần",
				"a witness's verifier key (as ocopledger witness --print-key prints it), or a file holding it: the ledger takes and shows that witness's cosignatures; may be given several times"},
		},
	},
	"status": {
		use: same("status [--json]"),
		short: bi{"cho biết số liệu đã cập nhật đến đâu và liệt kê các mục ghi bị cách ly (không tính vào số liệu)",
			"show how far the read models have come and list the quarantined entries (left out of the figures)"},
		long: bi{`Cập nhật số liệu theo sổ cái rồi cho biết vị trí đã áp dụng và liệt kê các mục ghi bị cách ly:
những mục trong sổ cái mà số liệu không tính (thông điệp không phải là sự kiện, loại sự kiện mà
phiên bản này không biết, nội dung vi phạm quy tắc…), với vị trí, hồ sơ và lý do. Mục ghi vẫn nằm
nguyên trong sổ cái. Quản trị viên xác nhận đã xem xét một mục bằng sự kiện
correction.quarantine_acknowledged (ocopledger record); mục đã xác nhận vẫn được liệt kê, có đánh
dấu. Mã thoát 0 kể cả khi có mục bị cách ly.`,
			`Brings the read models up to date with the log, then shows the position applied and lists the
quarantined entries: entries of the log the figures leave out (a message that is not an event, an
event type this build does not know, a payload that breaks a rule…), with position, record and
reason. The entries stay in the log. An admin acknowledges having looked at one with a
correction.quarantine_acknowledged event (ocopledger record); acknowledged entries are still
listed, flagged. Exits 0 even when entries are quarantined.`},
		example: same(`  ocopledger status --data ./demo
  ocopledger status --json`),
	},
	"timeline": {
		use: bi{"timeline MÃ-CHỈ-TIÊU --from NGÀY-1 --to NGÀY-2 [--step day|week|month|year] [--known-at THỜI-ĐIỂM]",
			"timeline FIGURE --from D1 --to D2 [--step day|week|month|year] [--known-at K]"},
		short: bi{"diễn biến của một chỉ tiêu theo ngày, tuần, tháng hoặc năm (để vẽ biểu đồ)",
			"a figure day by day, week by week or month by month (for charts)"},
		example: same(`  ocopledger timeline ocop.valid --from 01/01/2025 --to 30/10/2025
  ocopledger timeline salespoints.open --from 2024-01-01 --step year --json`),
		flags: map[string]bi{
			"from": {"ngày đầu tiên của chuỗi số liệu (bắt buộc; yyyy-mm-dd hoặc dd/mm/yyyy)",
				"first day of the series (required; yyyy-mm-dd or dd/mm/yyyy)"},
			"step": {"bước thời gian: day (ngày), week (tuần), month (tháng) hoặc year (năm)",
				"day, week, month or year"},
			"to": {"ngày cuối (mặc định: hôm nay)",
				"last day (default: today)"},
		},
	},
	"verify": {
		use: bi{"verify TỆP.jsonl --checkpoint ĐIỂM [--checkpoint ĐIỂM2 …] --key KHÓA | --proof BẰNG-CHỨNG.json --key KHÓA",
			"verify FILE.jsonl --checkpoint CP [--checkpoint CP2 …] --key KEY | --proof PROOF.json --key KEY"},
		short: bi{"kiểm tra một tệp xuất, hoặc một bằng chứng, theo các điểm kiểm chứng đã ký, không cần máy chủ",
			"check an export, or a proof, against signed checkpoints, without any server"},
		long: bi{`Kiểm tra, không cần máy chủ, rằng tệp xuất (ocopledger export) đúng là sổ cái mà các điểm
kiểm chứng đã ký xác nhận: mỗi dòng là một mục ghi đúng dạng, vị trí liền nhau không thiếu, thời
điểm ghi nhận không lùi lại, và mã băm gốc của N dòng đầu bằng mã băm gốc của điểm kiểm chứng N mục
ghi (với mọi điểm kiểm chứng đã cho; tệp xuất dài hơn vẫn được). Nếu không khớp, lệnh nêu dòng sai
đầu tiên và lý do. Với --proof, lệnh kiểm tra một bằng chứng (một mục ghi nằm trong sổ cái, hoặc sổ
cái cũ là phần đầu của sổ cái mới). Khóa kiểm tra (--key) là dòng mà lệnh "ocopledger key" in ra,
hoặc một tệp chứa dòng đó. Với --witness-key (mỗi bên chứng kiến một lần), mỗi điểm kiểm chứng
phải có chữ ký đồng xác nhận hợp lệ của ít nhất --witnesses bên (mặc định: tất cả); không kèm tệp
xuất, lệnh chỉ kiểm tra các điểm kiểm chứng và nêu tên các bên đã đồng ký. Định dạng: docs/auditors.md.
Mã thoát: 0 khớp, 2 dữ liệu nhập không hợp lệ, 6 không khớp (tệp xuất hoặc bằng chứng không đúng với
điểm kiểm chứng, hoặc chữ ký không hợp lệ).`,
			`Checks, without any server, that an export (ocopledger export) is the log that signed
checkpoints vouch for: every line a well-formed entry, positions without a gap, recording times that
never go back, and the root hash of the first N lines equal to that of the checkpoint of N entries
(for every checkpoint given; a longer export is fine). If not, it names the first bad line and why.
With --proof it checks a proof (an entry is in the log, or an older log is a prefix of a newer).
The verifier key (--key) is the line "ocopledger key" prints, or a file holding it. With
--witness-key (once per witness) every checkpoint must carry valid cosignatures by at least
--witnesses of them (default: all); without an export it checks the checkpoints alone and names the
witnesses. Formats: docs/auditors.md.
Exit codes: 0 verified, 2 invalid input, 6 does not verify (the export or proof does not match the
checkpoints, or a signature is not valid).`},
		example: bi{`  ocopledger verify sao-luu.jsonl --checkpoint cp-470.txt --key ocop.key
  ocopledger verify sao-luu.jsonl --checkpoint cp-470.txt --key ocop.key --hashes sao-luu.hashes
  ocopledger verify --proof bang-chung.json --key ocop.key
  ocopledger verify --checkpoint moi-nhat.json --key ocop.key --witness-key thanh-tra.key`,
			`  ocopledger verify backup.jsonl --checkpoint cp-470.txt --key ocop.key
  ocopledger verify backup.jsonl --checkpoint cp-470.txt --key ocop.key --hashes backup.hashes
  ocopledger verify --proof proof.json --key ocop.key
  ocopledger verify --checkpoint latest.json --key ocop.key --witness-key inspectorate.key`},
		flags: map[string]bi{
			"checkpoint": {"tệp chứa một điểm kiểm chứng đã ký, hoặc câu trả lời JSON của sổ cái có điểm kiểm chứng (GET /v1/checkpoints, --json); có thể nêu nhiều lần",
				"a file holding a signed checkpoint, or a JSON answer of the ledger carrying checkpoints (GET /v1/checkpoints, --json); may be given several times"},
			"hashes": {"tệp mã băm của bản xuất (ocopledger export --hashes): nếu khớp với các điểm kiểm chứng, lệnh chỉ đúng dòng bị sửa thay vì một khoảng dòng",
				"the export's hashes file (ocopledger export --hashes): when it matches the checkpoints, a changed line is named exactly instead of a range of lines"},
			"key": {"khóa kiểm tra của sổ cái, hoặc tệp chứa khóa đó (như ocopledger key in ra; có thể nêu nhiều lần)",
				"the log's verifier key, or a file holding it (as ocopledger key prints it; may be given several times)"},
			"proof": {"kiểm tra tệp bằng chứng này (JSON) thay cho một tệp xuất",
				"check this proof file (JSON) instead of an export"},
			"witness-key": {"khóa kiểm tra của một bên chứng kiến (như ocopledger witness --print-key in ra), hoặc tệp chứa khóa đó: mỗi điểm kiểm chứng phải có chữ ký đồng xác nhận hợp lệ của bên đó; có thể nêu nhiều lần",
				"a witness's verifier key (as ocopledger witness --print-key prints it), or a file holding it: every checkpoint must carry its valid cosignature; may be given several times"},
			"witnesses": {"số bên chứng kiến tối thiểu phải đồng ký mỗi điểm kiểm chứng (mặc định: tất cả các bên đã nêu bằng --witness-key)",
				"how many of the witnesses given must have cosigned each checkpoint (default: all given with --witness-key)"},
		},
	},
	"version": {
		use: same("version [--json]"),
		short: bi{"in số phiên bản của ocopledger",
			"print the version"},
		long: bi{`In phiên bản của mô-đun, commit mà chương trình được dựng từ đó, thời điểm của commit, và
liệu mã nguồn lúc dựng có thay đổi chưa được commit hay không (theo thông tin Go ghi vào chương trình).`,
			`Prints the module's version, the commit the program was built from, its time, and whether the
source had changes not committed when it was built (from the build information Go writes into it).`},
		example: same(`  ocopledger version
  ocopledger --version
  ocopledger version --json`),
	},
	"watch": {
		use: bi{"watch [events|figures] [--type LOẠI] [--stream HỒ-SƠ] [--as-of NGÀY] [--since SỐ] [--server URL] [--token MÃ]",
			"watch [events|figures] [--type T] [--stream S] [--as-of D] [--since N] [--server URL] [--token T]"},
		short: bi{"theo dõi trực tiếp các sự kiện hoặc các thay đổi số liệu ngay khi chúng xảy ra",
			"follow events or figure changes as they happen"},
		long: bi{`In ra một dòng cho mỗi sự kiện (hoặc mỗi thay đổi số liệu) ngay khi được ghi. Lệnh kết nối tới
một máy chủ "ocopledger serve" đang chạy qua Server-Sent Events và tự nối lại từ chỗ đã dừng nếu
mất kết nối; khi không kết nối được máy chủ nào, lệnh theo dõi trực tiếp sổ cái trong kho sự kiện
(--data hoặc --nats). --type và --stream nhận một tên chính xác hoặc phần đầu của tên kết thúc
bằng * (ví dụ --type 'ocop.*').`,
			`Prints one line per event (or per figure change) as it is recorded. It connects to a running
"ocopledger serve" over Server-Sent Events and resumes where it left off if the connection drops;
when no server is reachable it follows the log directly from the store (--data or --nats).
--type and --stream take an exact name or a prefix ending in * (e.g. --type 'ocop.*').`},
		example: same(`  ocopledger watch events --type 'ocop.*'
  ocopledger watch figures --as-of 07/08/2025 --server http://127.0.0.1:8080`),
		flags: map[string]bi{
			"as-of": {"khi theo dõi figures: ngày của số liệu cần theo dõi (mặc định: hôm nay)",
				"figures: the day whose figures to watch (default today)"},
			"server": {"địa chỉ URL của máy chủ ocopledger serve đang chạy ($OCOPLEDGER_SERVER)",
				"URL of a running ocopledger serve ($OCOPLEDGER_SERVER)"},
			"since": {"bắt đầu sau vị trí này trong sổ cái (mặc định: từ bây giờ trở đi)",
				"start after this log position (default: from now on)"},
			"stream": {"chỉ các sự kiện của hồ sơ này (hoặc phần đầu của tên kết thúc bằng *), ví dụ product.*",
				"only events of this record (or prefix*), e.g. product.*"},
			"token": {"mã truy cập của máy chủ ($OCOPLEDGER_TOKEN)",
				"bearer token for the server ($OCOPLEDGER_TOKEN)"},
			"type": {"chỉ các sự kiện thuộc loại này (hoặc phần đầu của tên loại kết thúc bằng *)",
				"only events of this type (or prefix*)"},
		},
	},
	"witness": {
		use: bi{"witness --ledger URL --ledger-key KHÓA --state THƯ-MỤC [--token MÃ] [--every 1m] [--once] | --state THƯ-MỤC --print-key",
			"witness --ledger URL --ledger-key KEY --state DIR [--token T] [--every 1m] [--once] | --state DIR --print-key"},
		short: bi{"làm bên chứng kiến: theo dõi các điểm kiểm chứng của sổ cái, kiểm tra tính nhất quán và đồng ký xác nhận",
			"act as a witness: follow the ledger's checkpoints, check each is consistent with the last, and cosign it"},
		long: bi{`Chạy bởi một bên khác (ví dụ thanh tra tỉnh) để không ai, kể cả Sở, có thể đưa ra hai lịch sử
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
with a checkpoint the witness cosigned.`},
		example: bi{`  ocopledger witness --state /var/lib/thanh-tra --print-key > thanh-tra.key
  ocopledger witness --ledger https://so-cong-thuong.example --ledger-key ocop.key --state /var/lib/thanh-tra`,
			`  ocopledger witness --state /var/lib/inspectorate --print-key > inspectorate.key
  ocopledger witness --ledger https://ledger.example --ledger-key ocop.key --state /var/lib/inspectorate`},
		flags: map[string]bi{
			"every": {"khoảng thời gian giữa hai lần kiểm tra",
				"how often to check the ledger"},
			"ledger": {"địa chỉ HTTP của sổ cái, ví dụ http://127.0.0.1:8080",
				"the ledger's HTTP address, e.g. http://127.0.0.1:8080"},
			"ledger-key": {"khóa kiểm tra của sổ cái (như ocopledger key in ra), hoặc tệp chứa khóa đó",
				"the ledger's verifier key (as ocopledger key prints it), or a file holding it"},
			"name": {"tên của bên chứng kiến khi tạo khóa mới, dạng địa chỉ không có giao thức (mặc định witness.example/<tên máy>)",
				"the witness's name for a new key, a schema-less URL (default witness.example/<host name>)"},
			"once": {"kiểm tra và đồng ký một lần rồi dừng",
				"check and cosign once, then stop"},
			"print-key": {"in khóa kiểm tra của bên chứng kiến (tạo khóa nếu chưa có) rồi dừng",
				"print the witness's verifier key (making the key if there is none), then stop"},
			"state": {"thư mục trạng thái của bên chứng kiến: khóa ký, điểm kiểm chứng đồng ký gần nhất, bằng chứng",
				"the witness's state folder: its signing key, the last checkpoint it cosigned, evidence"},
			"token": {"mã truy cập của sổ cái ($OCOPLEDGER_TOKEN)",
				"bearer token for the ledger ($OCOPLEDGER_TOKEN)"},
		},
	},
}
