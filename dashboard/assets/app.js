// ocopledger dashboard: plain JavaScript, no build step, no third-party code. It reads the HTTP
// API of its own origin and follows its event streams; it fetches nothing from anywhere else.
'use strict';

(() => {
  const REPORT_DAY = '2025-08-07';
  const CHART_FROM = '2018-01-01';
  const EXPIRY_WINDOW = 30;
  const FEED_MAX = 40;

  // ---- wording ---------------------------------------------------------------------------
  const T = {
    vi: {
      skip: 'Bỏ qua, đến nội dung chính',
      title: 'Sổ cái Chương trình OCOP — Sở Công Thương Quảng Ngãi',
      tagline: 'Chương trình mỗi xã một sản phẩm · số liệu dựng lại từ sổ cái sự kiện, cho bất kỳ ngày nào, như đã biết tại bất kỳ thời điểm nào',
      tokenLabel: 'Khóa truy cập', tokenSave: 'Dùng khóa này', tokenOpen: 'Khóa truy cập',
      tokenHint: 'Khóa chỉ được giữ trong thẻ trình duyệt này (sessionStorage) và mất khi đóng thẻ.',
      tokenNeed: (role) => `Thao tác này cần vai trò ${role} (hoặc cao hơn): nhập khóa truy cập do quản trị viên cấp.`,
      tokenBad: (role) => `Khóa đang dùng không được máy chủ chấp nhận; thao tác này cần vai trò ${role}.`,
      tokenWeak: (role) => `Khóa đang dùng không đủ quyền: thao tác này cần vai trò ${role}.`,
      tokenShort: (role) => `Cần khóa truy cập có vai trò ${role}.`,
      tabsLabel: 'Các trang', tabOverview: 'Số liệu', tabRecord: 'Ghi vào sổ cái', tabAudit: 'Đối chiếu báo cáo', tabImport: 'Nhập từ tệp',
      recordHeading: 'Ghi vào sổ cái', recordSub: 'Cần vai trò recorder. Máy chủ kiểm tra từng mục theo đúng quy tắc của lệnh record; lỗi hiện ngay cạnh ô cần sửa.',
      recordFigures: 'Số liệu liên quan', recordFiguresSub: (d) => `Tại ngày ${d}, như sổ cái biết hiện nay; cập nhật trực tiếp khi mục mới được ghi.`,
      recordSubmit: 'Ghi vào sổ cái', recordReset: 'Xóa trắng', required: 'bắt buộc', choose: '— chọn —',
      correct: 'sửa hoặc hủy mục này', recordSending: 'Đang gửi…', recordDone: (seq) => `Đã ghi: mục #${seq}. Số liệu cập nhật trực tiếp.`, recordDuplicate: (seq) => `Mục này đã được ghi trước đó (mục #${seq}); không ghi lại lần nữa.`,
      recordFailed: (m) => `Chưa ghi: ${m}`, recordFieldFailed: 'Chưa ghi: xem ô được đánh dấu.', recordAuth: 'Chưa ghi: cần khóa truy cập có vai trò recorder. Nhập khóa ở trên rồi bấm ghi lại.',
      jsonHint: 'Một đối tượng JSON, ví dụ {"stars": 4}', dateFieldHint: 'ngày/tháng/năm',
      kinds: { 'ocop.certified': 'Cấp chứng nhận OCOP', 'ocop.reevaluated': 'Đánh giá lại sản phẩm OCOP', 'ocop.revoked': 'Thu hồi chứng nhận OCOP', 'salespoint.opened': 'Mở điểm bán', 'salespoint.closed': 'Đóng điểm bán', 'trade_event.participation': 'Ghi nhận tham gia sự kiện xúc tiến', 'listing.created': 'Đăng sản phẩm lên sàn TMĐT', 'listing.removed': 'Gỡ sản phẩm khỏi sàn TMĐT', 'correction.amended': 'Sửa một mục đã ghi', 'correction.retracted': 'Hủy một mục đã ghi' },
      fields: { product_id: 'Mã sản phẩm', product_name: 'Tên sản phẩm', producer_id: 'Mã chủ thể', producer_name: 'Tên chủ thể', producer_kind: 'Loại hình chủ thể', product_set: 'Bộ sản phẩm', stars: 'Số sao', score: 'Điểm (trên 100)', decision: 'Quyết định', number: 'Số quyết định', date: 'Ngày quyết định', authority: 'Cơ quan ban hành', issuer: 'Tên cơ quan ban hành', address: 'Địa chỉ', detail: 'Số nhà, thôn', commune: 'Xã, phường', district: 'Huyện (trước 01/07/2025)', province: 'Tỉnh', synthetic: 'Dữ liệu giả lập (không phải hồ sơ thật)', supersedes: 'Số quyết định của chứng nhận được thay thế', outcome: 'Kết quả đánh giá lại', certificate: 'Số quyết định của chứng nhận', reason: 'Lý do', reason_detail: 'Chi tiết lý do', salespoint_id: 'Mã điểm bán', name: 'Tên', site_type: 'Loại địa điểm', funding: 'Nguồn vốn', operator: 'Đơn vị vận hành', opened_on: 'Ngày khai trương', closed_on: 'Ngày đóng cửa', trade_event_id: 'Mã sự kiện xúc tiến', business_id: 'Mã doanh nghiệp', business_name: 'Tên doanh nghiệp', listing_id: 'Mã tin đăng', platform: 'Sàn TMĐT', ocop: 'Là sản phẩm OCOP', listed_on: 'Ngày đăng', removed_on: 'Ngày gỡ', target_stream: 'Hồ sơ của mục cần sửa (stream)', target_id: 'Mã mục cần sửa (id)', target_type: 'Loại sự kiện của mục', replacement: 'Nội dung thay thế (JSON)' },
      auditHeading: 'Đối chiếu báo cáo với sổ cái', auditSub: 'Số liệu báo cáo ghi, số liệu sổ cái biết khi báo cáo được nộp, và số liệu sổ cái biết hiện nay; mỗi chênh lệch dẫn đến các mục sổ cái gây ra nó.',
      auditWhat: 'Đối chiếu', auditByReport: 'báo cáo đã nộp', auditByDate: 'số liệu tại ngày', auditKnownAt: 'như biết tại', auditReport: 'Báo cáo đã nộp', auditGo: 'Đối chiếu',
      auditNoReports: 'Sổ cái chưa có báo cáo nào được nộp.', auditLoading: 'Đang đối chiếu…',
      auditReportTitle: (doc, d) => `Báo cáo ${doc} ngày ${d}`, auditDateTitle: (d, k) => `Số liệu tại ngày ${d}, như biết tại ${k} và như biết hiện nay`,
      auditReportSub: (asOf, filed, now, n, bad) => `Số liệu tại ngày ${asOf}. Sổ cái khi nộp: ${filed}; hiện nay: đến mục #${now}. ${bad ? `${bad} chỉ tiêu không khớp sổ cái ngay khi nộp. ` : 'Khi nộp, mọi chỉ tiêu khớp sổ cái. '}${n ? `${n} chỉ tiêu đã thay đổi từ khi nộp.` : 'Không chỉ tiêu nào thay đổi từ khi nộp.'}`,
      auditDateSub: (n) => n ? `${n} chỉ tiêu khác nhau giữa hai thời điểm.` : 'Hai thời điểm cho cùng số liệu.',
      auditDiffs: (n) => n ? `Các chênh lệch (${n})` : 'Không có chênh lệch', upTo: (seq, when) => `đến mục #${seq} (${when})`,
      acols: { figure: 'Chỉ tiêu', stated: 'Báo cáo ghi', then: 'Sổ cái biết khi đó', now: 'Sổ cái biết hiện nay', delta: 'Chênh lệch', status: 'Đối chiếu', items: 'Danh sách' },
      status: { ok: 'khớp', changed_since: 'đã thay đổi từ khi nộp', mismatch_at_filing: 'không khớp ngay khi nộp', changed: 'khác nhau' },
      statedVs: (stated, then) => `báo cáo ghi ${stated}, sổ cái khi nộp cho ${then}`,
      itemsLink: 'danh sách', entryOpen: 'xem mục', sourceOf: 'nguồn',
      itemsTitle: (f) => `Danh sách: ${f}`, itemsSub: (d, nThen, nNow, k) => `Tại ngày ${d}: ${nThen} mục như biết ${k}, ${nNow} mục như biết hiện nay. Mục “mới” có trong danh sách hiện nay mà khi đó chưa có; mục “đã bỏ” thì ngược lại.`,
      atFiling: 'khi nộp', xlsxThen: 'Tải XLSX (như biết khi đó)', xlsxNow: 'Tải XLSX (như biết hiện nay)', csvNow: 'Tải CSV',
      added: 'mới', dropped: 'đã bỏ', downloadFailed: (m) => `Không tải được: ${m}`,
      importHeading: 'Nhập từ tệp Excel hoặc CSV', importSub: 'Cần vai trò recorder. Kiểm tra tệp trước (chưa ghi gì), xem mọi lỗi theo dòng và cột, sửa tệp, rồi xác nhận để ghi. Không dòng nào được ghi khi tệp còn lỗi; nhập lại cùng một tệp không ghi thêm gì.',
      importKind: 'Loại bảng', importFile: 'Tệp (.xlsx hoặc .csv)', importCheck: 'Kiểm tra tệp',
      importUnavailable: 'Máy chủ này chưa có dịch vụ nhập tệp (POST /v1/imports không có trong tài liệu API của nó). Dùng lệnh: ocopledger import TỆP --kind LOẠI.',
      importKinds: { 'ocop-decision': 'Quyết định công nhận OCOP và phụ lục', cnnttb: 'Công nhận sản phẩm CNNTTB', salespoints: 'Điểm bán (mở, đóng)', participations: 'Tham gia sự kiện xúc tiến', listings: 'Tin đăng trên sàn TMĐT' },
      importNoFile: 'Chọn một tệp .xlsx hoặc .csv.', importChecking: 'Đang kiểm tra…', importStoring: 'Đang ghi…',
      importTitle: (name) => `Kết quả kiểm tra: ${name}`,
      importSummary: (r) => `${r.rows} dòng: ${r.valid} dòng hợp lệ, ${r.errors.length} lỗi${r.duplicates ? `, ${r.duplicates} dòng đã có trong sổ cái` : ''}.`,
      importClean: 'Không có lỗi nào. Bấm xác nhận để ghi vào sổ cái.', importFix: 'Sửa các lỗi trong tệp rồi kiểm tra lại: không dòng nào được ghi khi tệp còn lỗi.',
      importConfirm: (n) => `Xác nhận, ghi ${n} dòng vào sổ cái`,
      importStored: (r) => `Đã ghi ${r.stored} mục${r.duplicates ? `; ${r.duplicates} dòng đã có từ trước, không ghi lại` : ''}. Số liệu cập nhật trực tiếp.`,
      icols: { row: 'Dòng', column: 'Cột', field: 'Trường', message: 'Lỗi' },
      pageOf: (a, b, n) => `Mục ${a}–${b} / ${n}`, prev: '‹ Trang trước', next: 'Trang sau ›', showAll: 'Xem tất cả', paged: 'Chia trang',
      asOf: 'Số liệu tại ngày', today: 'Hôm nay', reportDay: '07/08/2025 · Công văn 470', dateHint: 'Ngày/tháng/năm, ví dụ 07/08/2025',
      knowledge: 'Theo hiểu biết của sổ cái', knownNow: 'như biết hiện nay', knownAt: 'như biết tại',
      knownDate: 'Ngày ghi nhận (ngày/tháng/năm)', knownTime: 'Giờ (để trống: cuối ngày)',
      knownHint: 'Để trống giờ: cuối ngày (giờ Việt Nam). Mục ghi sau thời điểm này không được tính.',
      apply: 'Xem số liệu', figuresHeading: 'Các chỉ tiêu của Công văn 470',
      filter: 'Lọc', filterPlaceholder: 'Lọc theo tên, chủ thể, địa bàn…', csv: 'Tải CSV', xlsx: 'Tải XLSX', close: 'Đóng',
      chartHeading: 'Sản phẩm OCOP còn thời hạn theo hạng sao',
      feedHeading: 'Mục mới ghi vào sổ cái', feedSub: 'Trực tiếp từ luồng sự kiện, không cần tải lại trang',
      expiringHeading: 'Chứng nhận sắp hết hạn trong 30 ngày',
      footer: 'Nguồn: sổ cái sự kiện ocopledger (NATS JetStream). Số liệu của Công văn 470/SCT-QLTM ngày 07/08/2025. Mục đánh dấu “dữ liệu giả lập” là dữ liệu minh họa, không phải hồ sơ thật.',
      split: 'Sản phẩm OCOP còn thời hạn theo tỉnh trước sáp nhập (01/07/2025)',
      period: (from, to) => `từ ${from} đến ${to}`,
      live: { connecting: 'Đang kết nối…', open: 'Trực tiếp', retry: 'Mất kết nối, đang thử lại…', auth: 'Cần khóa truy cập' },
      badDate: 'Ngày không hợp lệ: nhập ngày/tháng/năm, ví dụ 07/08/2025.',
      badTime: 'Giờ không hợp lệ: nhập giờ:phút, ví dụ 17:30, hoặc để trống.',
      summary: (asOf, known, past) => `Số liệu tại ngày <strong>${asOf}</strong>, ${past ? `như sổ cái biết tại <strong>${known}</strong><span class="mode past">như biết tại</span>` : `như sổ cái biết hiện nay (đến mục <strong>#${known}</strong>)<span class="mode">như biết hiện nay</span>`}`,
      endOfDay: (d) => `cuối ngày ${d}`,
      chartSub: (from, to, known) => `Từ ${from} đến ${to}, số còn thời hạn ở đầu mỗi tháng, ${known}`,
      asKnownNow: 'như biết hiện nay', asKnownAt: (k) => `như biết tại ${k}`,
      stars: (n) => `${n} sao`, total: 'Tổng', chartAria: 'Biểu đồ miền chồng: số sản phẩm OCOP còn thời hạn theo hạng sao, từng tháng',
      drillSub: (n, asOf, known) => `${n} mục tại ngày ${asOf}, ${known}. Bấm “sự kiện” để xem các mục sổ cái của từng hồ sơ.`,
      noItems: 'Không có mục nào.', loading: 'Đang tải…',
      cols: { n: 'STT', product: 'Sản phẩm', stars: 'Hạng', decision: 'Quyết định', producer: 'Chủ thể', place: 'Địa bàn', valid: 'Hiệu lực', events: 'Sổ cái', level: 'Cấp', point: 'Điểm bán', funding: 'Nguồn vốn', site: 'Loại địa điểm', opened: 'Hoạt động từ', event: 'Sự kiện', kind: 'Loại', held: 'Ngày', platform: 'Sàn', listed: 'Đăng từ', item: 'Mục', lastDay: 'Ngày cuối hiệu lực', daysLeft: 'Còn lại', figure: 'Chỉ tiêu' },
      until: (d) => `đến hết ${d}`, noEnd: 'không thời hạn', from: (d) => `từ ${d}`,
      eventsN: (n) => `${n} sự kiện`,
      synthetic: 'dữ liệu giả lập', potential: 'tiềm năng 5 sao',
      days: (n) => n === 0 ? 'hôm nay' : `${n} ngày`,
      expiringSub: (asOf, n) => `Chứng nhận còn hiệu lực tại ngày ${asOf} và hết hạn trong ${EXPIRY_WINDOW} ngày tới: ${n} mục. Cơ quan cấp phải thông báo cho chủ thể trước ít nhất 30 ngày.`,
      noExpiring: 'Không có chứng nhận nào hết hạn trong 30 ngày tới.',
      feedEmpty: 'Chưa có mục mới. Mục ghi qua API sẽ hiện ở đây ngay lập tức.',
      feedPast: 'Đang xem số liệu như biết tại một thời điểm đã qua: mục mới hiện ở đây nhưng không làm đổi số liệu đang xem.',
      recordedAt: 'ghi lúc', by: 'bởi',
      apiError: (m) => `Không đọc được số liệu: ${m}`,
      // the labels of event types come from the catalogue (GET /v1/catalogue); this one is the page's own
      types: { unreadable: 'Mục không đọc được (bị cách ly)' },
      province: (p) => p
    },
    en: {
      skip: 'Skip to the main content',
      title: 'OCOP Programme Ledger — Quảng Ngãi Department of Industry and Trade',
      tagline: 'One Commune One Product · figures rebuilt from the event ledger, for any day, as known at any time',
      tokenLabel: 'Access token', tokenSave: 'Use this token', tokenOpen: 'Access token',
      tokenHint: 'The token is kept in this browser tab only (sessionStorage) and forgotten when the tab closes.',
      tokenNeed: (role) => `This needs the role ${role} (or above): enter an access token from your administrator.`,
      tokenBad: (role) => `The server does not accept the token in use; this needs the role ${role}.`,
      tokenWeak: (role) => `The token in use does not allow this: it needs the role ${role}.`,
      tokenShort: (role) => `An access token with the role ${role} is needed.`,
      tabsLabel: 'Pages', tabOverview: 'Figures', tabRecord: 'Record', tabAudit: 'Audit a report', tabImport: 'Import a file',
      recordHeading: 'Record in the ledger', recordSub: 'Needs the recorder role. The server checks each entry by the same rules as the record command; an error shows beside the field to fix.',
      recordFigures: 'Figures concerned', recordFiguresSub: (d) => `On ${d}, as the ledger knows them now; updated live as entries are recorded.`,
      recordSubmit: 'Record', recordReset: 'Clear', required: 'required', choose: '— choose —',
      correct: 'amend or retract this entry', recordSending: 'Sending…', recordDone: (seq) => `Recorded: entry #${seq}. The figures update live.`, recordDuplicate: (seq) => `This was recorded before (entry #${seq}); not recorded again.`,
      recordFailed: (m) => `Not recorded: ${m}`, recordFieldFailed: 'Not recorded: see the field marked.', recordAuth: 'Not recorded: an access token with the recorder role is needed. Give it above, then record again.',
      jsonHint: 'A JSON object, e.g. {"stars": 4}', dateFieldHint: 'day/month/year',
      kinds: { 'ocop.certified': 'Certify an OCOP product', 'ocop.reevaluated': 'Re-evaluate an OCOP product', 'ocop.revoked': 'Revoke an OCOP certificate', 'salespoint.opened': 'Open a sales point', 'salespoint.closed': 'Close a sales point', 'trade_event.participation': 'Record a trade-event participation', 'listing.created': 'List a product on a marketplace', 'listing.removed': 'Remove a listing', 'correction.amended': 'Amend an entry', 'correction.retracted': 'Retract an entry' },
      fields: { product_id: 'Product ID', product_name: 'Product name', producer_id: 'Producer ID', producer_name: 'Producer name', producer_kind: 'Producer kind', product_set: 'Product set', stars: 'Stars', score: 'Score (of 100)', decision: 'Decision', number: 'Decision number', date: 'Decision date', authority: 'Issuing authority', issuer: 'Issuer', address: 'Address', detail: 'House, hamlet', commune: 'Commune', district: 'District (before 01/07/2025)', province: 'Province', synthetic: 'Synthetic (not a real record)', supersedes: 'Decision number of the certificate replaced', outcome: 'Outcome', certificate: 'Decision number of the certificate', reason: 'Reason', reason_detail: 'Reason in detail', salespoint_id: 'Sales point ID', name: 'Name', site_type: 'Site type', funding: 'Funding', operator: 'Operator', opened_on: 'Opened on', closed_on: 'Closed on', trade_event_id: 'Trade event ID', business_id: 'Business ID', business_name: 'Business name', listing_id: 'Listing ID', platform: 'Marketplace', ocop: 'An OCOP product', listed_on: 'Listed on', removed_on: 'Removed on', target_stream: 'Record of the entry (stream)', target_id: 'Entry ID', target_type: 'Event type of the entry', replacement: 'Replacement (JSON)' },
      auditHeading: 'Audit a report against the ledger', auditSub: 'The figures a report stated, what the ledger knew when it was filed, and what it knows now; every difference leads to the ledger entries behind it.',
      auditWhat: 'Audit', auditByReport: 'a filed report', auditByDate: 'the figures on', auditKnownAt: 'as known at', auditReport: 'Filed report', auditGo: 'Audit',
      auditNoReports: 'No report has been filed in the ledger.', auditLoading: 'Auditing…',
      auditReportTitle: (doc, d) => `Report ${doc} of ${d}`, auditDateTitle: (d, k) => `Figures on ${d}, as known at ${k} and as known now`,
      auditReportSub: (asOf, filed, now, n, bad) => `Figures on ${asOf}. The ledger at filing: ${filed}; now: up to entry #${now}. ${bad ? `${bad} figures did not match the ledger when filed. ` : 'Every figure matched the ledger when filed. '}${n ? `${n} figures changed since filing.` : 'No figure changed since filing.'}`,
      auditDateSub: (n) => n ? `${n} figures differ between the two times.` : 'Both times give the same figures.',
      auditDiffs: (n) => n ? `Differences (${n})` : 'No differences', upTo: (seq, when) => `up to entry #${seq} (${when})`,
      acols: { figure: 'Figure', stated: 'Stated', then: 'Known then', now: 'Known now', delta: 'Difference', status: 'Check', items: 'Items' },
      status: { ok: 'matches', changed_since: 'changed since filing', mismatch_at_filing: 'did not match when filed', changed: 'differs' },
      statedVs: (stated, then) => `stated ${stated}, the ledger gave ${then} at filing`,
      itemsLink: 'items', entryOpen: 'open entry', sourceOf: 'source',
      itemsTitle: (f) => `Items: ${f}`, itemsSub: (d, nThen, nNow, k) => `On ${d}: ${nThen} items as known ${k}, ${nNow} as known now. “New” items are in today's list and were not then; “dropped” the other way round.`,
      atFiling: 'at filing', xlsxThen: 'Download XLSX (as known then)', xlsxNow: 'Download XLSX (as known now)', csvNow: 'Download CSV',
      added: 'new', dropped: 'dropped', downloadFailed: (m) => `Could not download: ${m}`,
      importHeading: 'Import an Excel or CSV file', importSub: 'Needs the recorder role. Check the file first (nothing is recorded), see every error by row and column, fix the file, then confirm to record. No row is recorded while the file has errors; importing the same file again records nothing new.',
      importKind: 'Kind of table', importFile: 'File (.xlsx or .csv)', importCheck: 'Check the file',
      importUnavailable: 'This server has no import service yet (POST /v1/imports is not in its API document). Use the command: ocopledger import FILE --kind KIND.',
      importKinds: { 'ocop-decision': 'OCOP decision with its annex', cnnttb: 'CNNTTB recognitions', salespoints: 'Sales points (opened, closed)', participations: 'Trade-event participations', listings: 'Marketplace listings' },
      importNoFile: 'Choose an .xlsx or .csv file.', importChecking: 'Checking…', importStoring: 'Recording…',
      importTitle: (name) => `Check of ${name}`,
      importSummary: (r) => `${r.rows} rows: ${r.valid} valid, ${r.errors.length} errors${r.duplicates ? `, ${r.duplicates} rows already in the ledger` : ''}.`,
      importClean: 'No errors. Confirm to record it in the ledger.', importFix: 'Fix these errors in the file and check it again: no row is recorded while the file has errors.',
      importConfirm: (n) => `Confirm: record ${n} rows in the ledger`,
      importStored: (r) => `Recorded ${r.stored} entries${r.duplicates ? `; ${r.duplicates} rows were there already and were not recorded again` : ''}. The figures update live.`,
      icols: { row: 'Row', column: 'Column', field: 'Field', message: 'Error' },
      pageOf: (a, b, n) => `Items ${a}–${b} of ${n}`, prev: '‹ Previous', next: 'Next ›', showAll: 'Show all', paged: 'Show in pages',
      asOf: 'Figures on', today: 'Today', reportDay: '07/08/2025 · Report 470', dateHint: 'Day/month/year, e.g. 07/08/2025',
      knowledge: 'As the ledger knew it', knownNow: 'as known now', knownAt: 'as known at',
      knownDate: 'Knowledge date (day/month/year)', knownTime: 'Time (empty: end of day)',
      knownHint: 'Leave the time empty for the end of the day (Vietnam time). Entries recorded later are not counted.',
      apply: 'Show figures', figuresHeading: 'The figures of report 470',
      filter: 'Filter', filterPlaceholder: 'Filter by name, producer, place…', csv: 'Download CSV', xlsx: 'Download XLSX', close: 'Close',
      chartHeading: 'Valid OCOP products by stars',
      feedHeading: 'New ledger entries', feedSub: 'Live from the event stream, no reload needed',
      expiringHeading: 'Certificates expiring within 30 days',
      footer: 'Source: the ocopledger event ledger (NATS JetStream). Figures of report 470/SCT-QLTM of 07/08/2025. Items marked “synthetic” are demo data, not real records.',
      split: 'Valid OCOP products by province before the merger (01/07/2025)',
      period: (from, to) => `from ${from} to ${to}`,
      live: { connecting: 'Connecting…', open: 'Live', retry: 'Disconnected, retrying…', auth: 'Token needed' },
      badDate: 'Not a date: give day/month/year, e.g. 07/08/2025.',
      badTime: 'Not a time: give hours:minutes, e.g. 17:30, or leave it empty.',
      summary: (asOf, known, past) => `Figures on <strong>${asOf}</strong>, ${past ? `as the ledger knew them at <strong>${known}</strong><span class="mode past">as known at</span>` : `as the ledger knows them now (up to entry <strong>#${known}</strong>)<span class="mode">as known now</span>`}`,
      endOfDay: (d) => `the end of ${d}`,
      chartSub: (from, to, known) => `${from} to ${to}, valid products on the first day of each month, ${known}`,
      asKnownNow: 'as known now', asKnownAt: (k) => `as known at ${k}`,
      stars: (n) => `${n} stars`, total: 'Total', chartAria: 'Stacked area chart: valid OCOP products by stars, month by month',
      drillSub: (n, asOf, known) => `${n} items on ${asOf}, ${known}. Open “events” to see the ledger entries behind each record.`,
      noItems: 'No items.', loading: 'Loading…',
      cols: { n: '#', product: 'Product', stars: 'Stars', decision: 'Decision', producer: 'Producer', place: 'Place', valid: 'Validity', events: 'Ledger', level: 'Level', point: 'Sales point', funding: 'Funding', site: 'Site type', opened: 'Open since', event: 'Event', kind: 'Kind', held: 'Date', platform: 'Platform', listed: 'Listed since', item: 'Item', lastDay: 'Last valid day', daysLeft: 'Left', figure: 'Figure' },
      until: (d) => `to ${d}`, noEnd: 'no end', from: (d) => `since ${d}`,
      eventsN: (n) => `${n} event${n === 1 ? '' : 's'}`,
      synthetic: 'synthetic', potential: 'potential 5★',
      days: (n) => n === 0 ? 'today' : `${n} day${n === 1 ? '' : 's'}`,
      expiringSub: (asOf, n) => `Certificates valid on ${asOf} that expire within the next ${EXPIRY_WINDOW} days: ${n}. The issuer must notify the producer at least 30 days ahead.`,
      noExpiring: 'No certificate expires within the next 30 days.',
      feedEmpty: 'No new entries yet. Entries recorded through the API appear here at once.',
      feedPast: 'You are viewing the figures as known at a past time: new entries appear here but do not change the figures shown.',
      recordedAt: 'recorded', by: 'by',
      apiError: (m) => `Could not read the figures: ${m}`,
      types: { unreadable: 'Unreadable entry (quarantined)' },
      province: (p) => p
    }
  };

  // ---- state -----------------------------------------------------------------------------
  const params = new URLSearchParams(location.search);
  const state = {
    lang: pickLang(),
    asOf: isoDate(params.get('as_of')) || todayVN(),
    knownMode: params.get('known_at') ? 'at' : 'now',
    knownDate: '', knownTime: '',
    labels: { figures: [], groups: [], types: {}, values: {} },
    result: null, prev: null, queryKey: '',
    drill: null, drillItems: [],
    token: sessionStorage.getItem('ocopledger.token') || '',
    tail: 0, feedSeen: new Set(), feedEnvs: [], pendingSeq: 0
  };
  if (params.get('known_at')) {
    const k = params.get('known_at');
    const m = /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}:\d{2}))?/.exec(k);
    if (m) { state.knownDate = m[1]; state.knownTime = m[2] || ''; }
  }
  const $ = (id) => document.getElementById(id);
  const t = () => T[state.lang];

  function pickLang() {
    const q = params.get('lang');
    if (q === 'vi' || q === 'en') return q;
    const s = localStorage.getItem('ocopledger.lang');
    return s === 'en' ? 'en' : 'vi';
  }

  // ---- dates -----------------------------------------------------------------------------
  function todayVN() { return new Date(Date.now() + 7 * 3600e3).toISOString().slice(0, 10); }
  function isoDate(s) {
    if (!s) return '';
    s = s.trim();
    let m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(s);
    let y, mo, d;
    if (m) { y = +m[1]; mo = +m[2]; d = +m[3]; } else {
      m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(s);
      if (!m) return '';
      d = +m[1]; mo = +m[2]; y = +m[3];
    }
    const dt = new Date(Date.UTC(y, mo - 1, d));
    if (y < 1990 || y > 2100 || dt.getUTCMonth() !== mo - 1 || dt.getUTCDate() !== d) return '';
    return dt.toISOString().slice(0, 10);
  }
  function vnDate(iso) { if (!iso) return ''; const [y, m, d] = iso.slice(0, 10).split('-'); return `${d}/${m}/${y}`; }
  const MONTHS_EN = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  function fmtDate(iso) {
    if (!iso) return '';
    if (iso.startsWith('9999')) return t().noEnd;
    if (state.lang === 'vi') return vnDate(iso);
    const [y, m, d] = iso.slice(0, 10).split('-');
    return `${+d} ${MONTHS_EN[+m - 1]} ${y}`;
  }
  function addDays(iso, n) { const d = new Date(iso + 'T00:00:00Z'); d.setUTCDate(d.getUTCDate() + n); return d.toISOString().slice(0, 10); }
  function fmtInstant(ts) {
    if (!ts) return '';
    const d = new Date(new Date(ts).getTime() + 7 * 3600e3);
    if (isNaN(d)) return ts;
    const iso = d.toISOString();
    const hm = iso.slice(11, 19);
    return state.lang === 'vi' ? `${hm} ${vnDate(iso)}` : `${fmtDate(iso.slice(0, 10))}, ${hm}`;
  }
  function fmtNum(n) { return new Intl.NumberFormat(state.lang === 'vi' ? 'vi-VN' : 'en-GB').format(n); }

  // knownAt returns the known_at parameter of the chosen knowledge time ('' for now), or null
  // when the inputs do not read as a date and time.
  function knownParam() {
    if (state.knownMode !== 'at') return '';
    const d = state.knownDate;
    if (!d) return null;
    if (!state.knownTime) return d; // the API reads a bare date as the end of that day in Vietnam
    return `${d}T${state.knownTime}:59+07:00`;
  }
  function knownWhen() {
    const d = fmtDate(state.knownDate);
    return state.knownTime ? `${state.knownTime} ${d}` : t().endOfDay(d);
  }
  function knownText() { return state.knownMode === 'at' ? t().asKnownAt(knownWhen()) : t().asKnownNow; }

  // ---- HTTP ------------------------------------------------------------------------------
  // An answer of 401 or 403 is an authorisation problem, never a lost connection: the page asks
  // for a token, saying which role the server wants, and keeps it for this tab only.
  class APIError extends Error {
    constructor(status, msg, body) { super(msg); this.status = status; this.body = body || {}; this.auth = status === 401 || status === 403; }
  }
  function neededRole(err, method) {
    const m = /needs (?:a bearer token with the role )?(\w+)/.exec((err && err.message_en) || '');
    return (m && m[1]) || (method && method !== 'GET' ? 'recorder' : 'viewer');
  }
  // request fetches a path of the API with the token; a 401 or 403 opens the token prompt.
  async function request(path, opts = {}) {
    const headers = { Accept: 'application/json', ...(opts.headers || {}) };
    if (state.token) headers.Authorization = 'Bearer ' + state.token;
    const res = await fetch(path, { method: opts.method || 'GET', body: opts.body, headers, cache: 'no-store' });
    if (res.status === 401 || res.status === 403) {
      const err = await errorOf(res);
      askToken(neededRole(err, opts.method), res.status, err.text);
      throw new APIError(res.status, err.text, err);
    }
    return res;
  }
  async function errorOf(res) {
    let err = {};
    try { const j = await res.clone().json(); err = (j && typeof j.error === 'object' && j.error) || j || {}; } catch (e) { /* not JSON */ }
    err.text = (state.lang === 'en' && err.message_en) || err.message || (typeof err.error === 'string' && err.error) || `${res.status} ${res.statusText}`;
    return err;
  }
  async function api(path, opts) {
    const res = await request(path, opts);
    if (!res.ok) { const err = await errorOf(res); throw new APIError(res.status, err.text, err); }
    return res.json();
  }
  const tokenWaiters = [];
  function askToken(role, status, detail) {
    $('auth-form').dataset.role = role;
    $('auth-title').textContent = !state.token ? t().tokenNeed(role) : status === 403 ? t().tokenWeak(role) : t().tokenBad(role);
    $('auth-detail').textContent = detail || '';
    if ($('auth').hidden) { $('auth').hidden = false; $('token').focus({ preventScroll: true }); }
  }
  function useToken(tok) {
    state.token = tok;
    if (tok) sessionStorage.setItem('ocopledger.token', tok); else sessionStorage.removeItem('ocopledger.token');
    $('auth').hidden = true;
    for (const wake of tokenWaiters.splice(0)) wake();
  }
  function errText(e) { return e && e.auth ? t().tokenShort(neededRole(e.body)) : t().apiError((e && e.message) || String(e)); }
  function qs(o) {
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries(o)) if (v !== '' && v !== null && v !== undefined) p.set(k, v);
    const s = p.toString();
    return s ? '?' + s : '';
  }
  function showError(err) {
    const el = $('api-error');
    if (!err || err.auth) { el.hidden = true; return; } // the token prompt says what is wrong
    el.textContent = t().apiError(err.message || String(err));
    el.hidden = false;
  }

  // ---- DOM helpers -----------------------------------------------------------------------
  function h(tag, attrs, ...kids) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === 'class') el.className = v;
      else if (k === 'text') el.textContent = v;
      else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
      else el.setAttribute(k, v === true ? '' : v);
    }
    for (const kid of kids.flat()) if (kid !== null && kid !== undefined && kid !== false) el.append(kid.nodeType ? kid : String(kid));
    return el;
  }
  const SVG = 'http://www.w3.org/2000/svg';
  function s(tag, attrs, ...kids) {
    const el = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) if (v !== null && v !== undefined) el.setAttribute(k, v);
    for (const kid of kids.flat()) if (kid !== null && kid !== undefined) el.append(kid.nodeType ? kid : document.createTextNode(String(kid)));
    return el;
  }
  function starsText(n) { n = +n || 0; return n ? '★'.repeat(n) : ''; }
  function badges(a) {
    const out = [];
    const says = state.lang === 'vi' && /giả lập/i.test((a && a.name) || '');
    if (a && a.synthetic && !says) out.push(h('span', { class: 'badge synthetic', title: t().synthetic, text: t().synthetic }));
    if (a && a.potential_5star) out.push(h('span', { class: 'badge potential', text: t().potential }));
    return out;
  }
  function valueLabel(dim, v) {
    const m = state.labels.values[dim];
    return (m && m[v] && m[v][state.lang]) || v || '';
  }
  function place(a) {
    const ad = (a && a.address) || {};
    return [ad.detail, ad.commune, ad.district, ad.province].filter(Boolean).join(', ');
  }
  // readCatalogue turns GET /v1/catalogue (the domain's tables) into what the page looks up:
  // figures and their groups, event-type labels, and the labels of the values of each dimension.
  function readCatalogue(c) {
    const enums = Object.fromEntries((c.enumerations || []).map((e) => [e.id, e]));
    const values = {};
    for (const d of c.dimensions || []) {
      const e = enums[d.enum];
      if (e) values[d.id] = Object.fromEntries(e.values.map((v) => [String(v.value), v.label]));
    }
    const types = Object.fromEntries((c.event_types || []).map((e) => [e.type, e.label]));
    return { figures: c.figures || [], groups: c.figure_groups || [], types, values };
  }
  function typeLabel(typ) { const l = state.labels.types[typ]; return (l && l[state.lang]) || t().types[typ] || typ; }
  function figureDef(id) { return state.labels.figures.find((f) => f.id === id) || { id, vi: id, en: id, kind: 'stock' }; }
  function figureLabel(id) { const f = figureDef(id); return f[state.lang] || id; }

  // ---- wording on the static page ----------------------------------------------------------
  function applyLang() {
    document.documentElement.lang = state.lang;
    document.title = t().title;
    for (const el of document.querySelectorAll('[data-i18n]')) { const v = t()[el.dataset.i18n]; if (typeof v === 'string') el.textContent = v; }
    for (const el of document.querySelectorAll('[data-i18n-label]')) el.setAttribute('aria-label', t()[el.dataset.i18nLabel]);
    for (const el of document.querySelectorAll('[data-i18n-placeholder]')) el.setAttribute('placeholder', t()[el.dataset.i18nPlaceholder]);
    for (const b of document.querySelectorAll('.lang-switch button')) b.setAttribute('aria-pressed', String(b.dataset.lang === state.lang));
    setLive(liveState);
  }
  let liveState = 'connecting';
  function setLive(st) { liveState = st; $('live').dataset.state = st; $('live-text').textContent = t().live[st]; }

  // ---- controls --------------------------------------------------------------------------
  function fillControls() {
    $('as-of').value = vnDate(state.asOf);
    $('known-now').checked = state.knownMode === 'now';
    $('known-at').checked = state.knownMode === 'at';
    if (!state.knownDate) state.knownDate = state.asOf;
    $('known-date').value = vnDate(state.knownDate);
    $('known-time').value = state.knownTime;
    syncKnownInputs();
  }
  function syncKnownInputs() {
    const on = $('known-at').checked;
    $('known-date').disabled = !on; $('known-time').disabled = !on;
  }
  function readControls() {
    const err = $('query-error');
    const asOf = isoDate($('as-of').value);
    const mode = $('known-at').checked ? 'at' : 'now';
    const kd = isoDate($('known-date').value);
    const kt = $('known-time').value.trim();
    let msg = '';
    $('as-of').setAttribute('aria-invalid', String(!asOf));
    if (!asOf) msg = t().badDate;
    $('known-date').setAttribute('aria-invalid', String(mode === 'at' && !kd));
    if (mode === 'at' && !kd) msg = t().badDate;
    const okTime = !kt || /^([01]?\d|2[0-3]):[0-5]\d$/.test(kt);
    $('known-time').setAttribute('aria-invalid', String(mode === 'at' && !okTime));
    if (mode === 'at' && !okTime) msg = t().badTime;
    err.hidden = !msg; err.textContent = msg;
    if (msg) return false;
    state.asOf = asOf; state.knownMode = mode;
    if (kd) state.knownDate = kd;
    state.knownTime = kt ? kt.padStart(5, '0') : '';
    return true;
  }
  function syncURL() {
    const p = new URLSearchParams();
    p.set('as_of', state.asOf);
    const k = knownParam();
    if (k) p.set('known_at', k);
    if (state.lang !== 'vi') p.set('lang', state.lang);
    history.replaceState(null, '', '?' + p.toString());
  }

  // ---- figures ---------------------------------------------------------------------------
  // The figures and their groups come from the catalogue; the page only lays the groups out.
  const LAYOUT = { ocop: 'two-thirds', salespoints: 'third', cnnttb: '', trade: '', ecommerce: 'wide' };
  function figureGroups() {
    const order = Object.keys(LAYOUT);
    const rank = (id) => { const i = order.indexOf(id); return i < 0 ? order.length : i; };
    return state.labels.groups.filter((g) => g.figures.length).sort((a, b) => rank(a.id) - rank(b.id))
      .map((g) => ({ key: g.id, label: g.label, cls: LAYOUT[g.id] ?? 'wide', flow: g.figures.every((id) => figureDef(id).kind === 'flow'), ids: g.figures }));
  }
  function buildCards() {
    const root = $('figure-groups');
    root.replaceChildren();
    for (const g of figureGroups()) {
      const cards = g.ids.map((id) => {
        const m = /stars(\d)$/.exec(id);
        return h('button', { type: 'button', class: 'card' + (id === 'ocop.valid' ? ' hero' : '') + (m ? ' s' + m[1] : ''), 'data-figure': id, 'aria-expanded': 'false', 'aria-controls': 'drill', onclick: () => openDrill(id) },
          h('span', { class: 'value', 'data-value': '', text: '–' }),
          m ? h('span', { class: 'stars', 'aria-hidden': 'true', text: starsText(m[1]) }) : null,
          h('span', { class: 'label', text: figureLabel(id) }),
          h('span', { class: 'fid', text: id }));
      });
      const title = g.label[state.lang] || g.key;
      root.append(h('section', { class: 'group ' + g.cls, 'aria-label': title },
        h('div', { class: 'group-head' }, h('h3', { text: title }), g.flow ? h('span', { class: 'period', 'data-period': '' }) : null),
        h('div', { class: 'cards' }, cards),
        g.key === 'ocop' ? h('div', { id: 'split', class: 'split', hidden: true }) : null));
    }
  }
  function renderFigures() {
    const r = state.result;
    if (!r) return;
    const sameQuery = state.prev && state.prev.key === state.queryKey;
    renderRecordFigures();
    for (const card of document.querySelectorAll('#figure-groups .card[data-figure]')) {
      const id = card.dataset.figure;
      const v = r.figures ? r.figures[id] : undefined;
      const el = card.querySelector('[data-value]');
      el.textContent = v === undefined ? '–' : fmtNum(v);
      card.setAttribute('aria-label', `${figureLabel(id)}: ${v === undefined ? '–' : fmtNum(v)}`);
      card.classList.remove('loading');
      const old = sameQuery ? state.prev.figures[id] : undefined;
      if (old !== undefined && v !== undefined && old !== v) {
        const d = v - old;
        card.querySelector('.delta')?.remove();
        card.append(h('span', { class: 'delta' + (d < 0 ? ' down' : ''), 'data-delta': String(d), text: (d > 0 ? '+' : '') + fmtNum(d) }));
        card.classList.remove('bump'); void card.offsetWidth; card.classList.add('bump');
      } else if (!sameQuery) {
        card.querySelector('.delta')?.remove();
      }
    }
    renderSplit(r);
    for (const p of document.querySelectorAll('[data-period]')) p.textContent = t().period(fmtDate(r.from || '2021-01-01'), fmtDate(state.asOf));
    const past = state.knownMode === 'at';
    $('summary').innerHTML = t().summary(esc(fmtDate(state.asOf)), past ? esc(knownWhen()) : String(r.position ?? ''), past);
    $('summary').dataset.position = r.position ?? '';
  }
  // renderSplit shows ocop.valid by former province (before the 01/07/2025 merger).
  function renderSplit(r) {
    const box = document.getElementById('split');
    if (!box) return;
    const m = (r.by && r.by.former_province && r.by.former_province['ocop.valid']) || {};
    const parts = Object.entries(m).sort((a, b) => b[1] - a[1]);
    const total = parts.reduce((n, [, v]) => n + v, 0);
    box.hidden = !total;
    if (!total) return;
    const bar = h('div', { class: 'split-bar', role: 'img', 'aria-label': parts.map(([k, v]) => `${k}: ${v}`).join(', ') },
      parts.map(([k, v], i) => h('span', { class: 'seg seg' + i, 'data-w': String(Math.round((1000 * v) / total)) })));
    box.replaceChildren(h('p', { class: 'split-title', text: t().split }), bar,
      h('ul', { class: 'split-legend' }, parts.map(([k, v], i) => h('li', {}, h('span', { class: 'sw seg' + i }), `${k}: `, h('strong', { text: fmtNum(v) }), ` (${Math.round((100 * v) / total)}%)`))));
    for (const seg of bar.children) seg.style.flexGrow = seg.dataset.w;
  }
  function esc(s) { return String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c])); }

  let figSeq = 0;
  async function loadFigures() {
    const k = knownParam();
    const key = `${state.asOf}|${k}`;
    const my = ++figSeq;
    const r = await api('/v1/figures' + qs({ as_of: state.asOf, known_at: k, by: 'former_province', lang: state.lang }));
    if (my !== figSeq) return r;
    if (state.result && state.queryKey === key) state.prev = { key, figures: state.result.figures || {} };
    else state.prev = null;
    state.queryKey = key;
    state.result = r;
    if (state.knownMode === 'now' && r.position > state.tail) state.tail = r.position;
    renderFigures();
    return r;
  }

  // ---- drill-down ------------------------------------------------------------------------
  // family picks the columns of a figure's drill-down by the group it is shown in.
  function family(id) { return { ocop: 'ocop', cnnttb: 'cnnttb', salespoints: 'sp', ecommerce: 'ec' }[figureDef(id).group] || 'trade'; }
  function columns(fam) {
    const c = t().cols;
    const name = (it) => [h('span', { text: it.attrs.name || it.item }), ...badges(it.attrs)];
    const nameText = (it) => (it.attrs.name || it.item) + (it.attrs.synthetic ? ` (${t().synthetic})` : '');
    const producer = { head: c.producer, cell: (it) => [it.attrs.producer || '', it.attrs.producer_kind ? h('span', { class: 'sub', text: valueLabel('producer_kind', it.attrs.producer_kind) }) : null], text: (it) => it.attrs.producer || '' };
    const where = { head: c.place, cell: (it) => place(it.attrs), text: (it) => place(it.attrs) };
    const decision = { head: c.decision, cell: (it) => [it.attrs.decision || '', h('span', { class: 'sub', text: fmtDate(it.from) })], text: (it) => `${it.attrs.decision || ''} ${vnDate(it.from)}` };
    const valid = { head: c.valid, cls: 'date', cell: (it) => it.until && !it.until.startsWith('9999') ? t().until(fmtDate(addDays(it.until, -1))) : t().noEnd, text: (it) => it.until && !it.until.startsWith('9999') ? vnDate(addDays(it.until, -1)) : '' };
    const since = (head) => ({ head, cls: 'date', cell: (it) => fmtDate(it.from), text: (it) => vnDate(it.from) });
    const first = { head: fam === 'sp' ? c.point : fam === 'trade' ? c.event : c.product, cell: name, text: nameText };
    switch (fam) {
      case 'ocop': return [first, { head: c.stars, cell: (it) => h('span', { class: 'stars', 'aria-label': t().stars(it.attrs.stars), text: starsText(it.attrs.stars) }), text: (it) => it.attrs.stars }, decision, producer, where, valid];
      case 'cnnttb': return [first, { head: c.level, cell: (it) => valueLabel('level', it.attrs.level), text: (it) => it.attrs.level }, decision, producer, where, valid];
      case 'sp': return [first, { head: c.funding, cell: (it) => valueLabel('funding', it.attrs.funding), text: (it) => it.attrs.funding }, { head: c.site, cell: (it) => valueLabel('site_type', it.attrs.site_type), text: (it) => it.attrs.site_type }, where, since(c.opened)];
      case 'ec': return [first, producer, { head: c.platform, cell: (it) => valueLabel('platform', it.attrs.platform), text: (it) => it.attrs.platform }, since(c.listed)];
      default: return [first, { head: c.kind, cell: (it) => valueLabel('event_kind', it.attrs.event_kind), text: (it) => it.attrs.event_kind }, producer, where, since(c.held)];
    }
  }
  function eventsCell(it) {
    const evs = it.events || [];
    if (!evs.length) return '';
    return h('details', {}, h('summary', { text: t().eventsN(evs.length) }),
      h('ol', {}, evs.map((e) => h('li', {}, `#${e.sequence} `, h('strong', { text: typeLabel(e.type) }), ` · ${fmtInstant(e.recorded_at)}`, e.source ? ` · ${e.source}` : ''))));
  }
  async function openDrill(id) {
    state.drill = id;
    for (const c of document.querySelectorAll('.card[data-figure]')) c.setAttribute('aria-expanded', String(c.dataset.figure === id));
    const sec = $('drill');
    sec.hidden = false;
    $('drill-title').textContent = `${figureLabel(id)}`;
    $('drill-sub').textContent = t().loading;
    $('drill-table').replaceChildren();
    sec.scrollIntoView({ behavior: 'smooth', block: 'start' });
    sec.focus({ preventScroll: true });
    await loadDrill();
  }
  // explainPages reads a figure's items page by page (?limit=&after=), every page as known at the
  // first one's time, so that the pages add up to one list; onPage gets the items so far after
  // each page and stops the reading by returning false.
  const EXPLAIN_PAGE = 500;
  async function explainPages(id, params, onPage) {
    let items = [], after = '', known = params.known_at;
    for (;;) {
      const r = await api(`/v1/figures/${encodeURIComponent(id)}/explain` + qs({ ...params, known_at: known, limit: EXPLAIN_PAGE, after }));
      items = items.concat(r.items || []);
      if (onPage && onPage(items) === false) return items;
      if (!r.next) return items;
      after = r.next;
      known = r.known_at;
    }
  }
  async function loadDrill() {
    const id = state.drill;
    if (!id) return;
    const load = (state.drillLoad = (state.drillLoad || 0) + 1); // a newer load stops this one
    try {
      // The first page is drawn at once; the others as they come.
      await explainPages(id, { as_of: state.asOf, known_at: knownParam() }, (items) => {
        if (state.drill !== id || state.drillLoad !== load) return false;
        state.drillItems = items.map((it) => ({ ...it, attrs: it.attrs || {} }));
        renderDrill();
        return true;
      });
    } catch (e) { $('drill-sub').textContent = errText(e); }
  }
  function renderDrill() {
    const id = state.drill;
    if (!id) return;
    const cols = columns(family(id));
    const q = $('drill-filter').value.trim().toLowerCase();
    const items = state.drillItems.filter((it) => !q || JSON.stringify([it.attrs.name, it.attrs.producer, it.attrs.decision, place(it.attrs), it.item]).toLowerCase().includes(q));
    $('drill-title').textContent = figureLabel(id);
    $('drill-sub').textContent = t().drillSub(fmtNum(state.drillItems.length), fmtDate(state.asOf), knownText());
    const thead = h('thead', {}, h('tr', {}, h('th', { scope: 'col', text: t().cols.n }), cols.map((c) => h('th', { scope: 'col', text: c.head })), h('th', { scope: 'col', text: t().cols.events })));
    const rows = items.map((it, i) => h('tr', { 'data-item': it.item, 'data-synthetic': it.attrs.synthetic ? 'true' : null }, h('td', { class: 'num', text: String(i + 1) }), cols.map((c) => h('td', { class: c.cls || null }, c.cell(it))), h('td', {}, eventsCell(it))));
    if (!rows.length) rows.push(h('tr', { class: 'empty-row' }, h('td', { colspan: String(cols.length + 2), text: t().noItems })));
    $('drill-table').replaceChildren(h('caption', { text: `${figureLabel(id)} · ${id} · ${fmtNum(items.length)}/${fmtNum(state.drillItems.length)}` }), thead, h('tbody', {}, rows));
    // CSV of what is shown, for the auditors' spreadsheets.
    const lines = [[t().cols.n, ...cols.map((c) => c.head), 'item', 'event_id'], ...items.map((it, i) => [i + 1, ...cols.map((c) => c.text(it)), it.item, it.event_id])];
    const csv = '\ufeff' + lines.map((l) => l.map((v) => `"${String(v ?? '').replace(/"/g, '""')}"`).join(',')).join('\r\n');
    const a = $('drill-csv');
    if (a.dataset.url) URL.revokeObjectURL(a.dataset.url);
    a.dataset.url = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
    a.href = a.dataset.url;
    a.download = `${id}_${state.asOf}.csv`;
    // The whole list as the server's spreadsheet (real dates and numbers), not only what is shown.
    const x = $('drill-xlsx');
    x.href = `/v1/figures/${encodeURIComponent(id)}/explain` + qs({ as_of: state.asOf, known_at: knownParam(), format: 'xlsx' });
    x.download = `${id}_${state.asOf}.xlsx`;
  }
  function closeDrill() {
    state.drill = null;
    $('drill').hidden = true;
    for (const c of document.querySelectorAll('.card[data-figure]')) c.setAttribute('aria-expanded', 'false');
  }

  // ---- paging ----------------------------------------------------------------------------
  // paginate returns the rows of the page shown and draws the pager below the table (#key-pager):
  // pages of ten, with a way to all the rows at once.
  const PAGE = 10;
  const pages = {};
  function paginate(key, rows, redraw) {
    const pg = pages[key] || (pages[key] = { page: 0, all: false });
    const n = rows.length;
    const last = Math.max(0, Math.ceil(n / PAGE) - 1);
    pg.page = Math.min(pg.page, last);
    const nav = $(key + '-pager');
    nav.hidden = n <= PAGE;
    if (n <= PAGE) return rows;
    const a = pg.all ? 0 : pg.page * PAGE;
    const b = pg.all ? n : Math.min(n, a + PAGE);
    const go = (f) => () => { f(); redraw(); };
    nav.setAttribute('aria-label', t().pageOf(a + 1, b, n));
    nav.replaceChildren(...[
      h('span', { class: 'pager-pos', 'data-pos': `${a + 1}-${b}/${n}`, text: t().pageOf(fmtNum(a + 1), fmtNum(b), fmtNum(n)) }),
      pg.all ? null : h('button', { type: 'button', class: 'chip', 'data-page': 'prev', disabled: pg.page === 0, onclick: go(() => pg.page--) }, t().prev),
      pg.all ? null : h('button', { type: 'button', class: 'chip', 'data-page': 'next', disabled: pg.page === last, onclick: go(() => pg.page++) }, t().next),
      h('button', { type: 'button', class: 'chip', 'data-page': pg.all ? 'paged' : 'all', onclick: go(() => { pg.all = !pg.all; }) }, pg.all ? t().paged : t().showAll)].filter(Boolean));
    return rows.slice(a, b);
  }

  // ---- expiring --------------------------------------------------------------------------
  async function loadExpiring() {
    try {
      const r = await api('/v1/expiring' + qs({ within: EXPIRY_WINDOW, as_of: state.asOf, known_at: knownParam() }));
      state.expiring = r.items || [];
      renderExpiring();
    } catch (e) { $('expiring-sub').textContent = errText(e); }
  }
  function renderExpiring() {
    const items = state.expiring || [];
    const c = t().cols;
    $('expiring-sub').textContent = t().expiringSub(fmtDate(state.asOf), fmtNum(items.length));
    const thead = h('thead', {}, h('tr', {}, [c.product, c.figure, c.producer, c.place, c.lastDay, c.daysLeft].map((x) => h('th', { scope: 'col', text: x }))));
    const rows = paginate('expiring', items, renderExpiring).map((it) => {
      const a = it.attrs || {};
      const left = it.days_left;
      return h('tr', { 'data-item': it.item },
        h('td', {}, h('span', { text: a.name || it.item }), ...badges(a)),
        h('td', {}, a.stars ? h('span', { class: 'stars', 'aria-label': t().stars(a.stars), text: starsText(a.stars) }) : figureLabel(it.figure)),
        h('td', {}, a.producer || ''),
        h('td', {}, place(a)),
        h('td', { class: 'date', text: fmtDate(it.last_day) }),
        h('td', { class: 'num' }, h('span', { class: 'badge ' + (left <= 7 ? 'urgent' : 'soon'), text: t().days(left) })));
    });
    if (!rows.length) rows.push(h('tr', { class: 'empty-row' }, h('td', { colspan: '6', text: t().noExpiring })));
    $('expiring-table').replaceChildren(thead, h('tbody', {}, rows));
  }

  // ---- chart -----------------------------------------------------------------------------
  const SERIES = [
    { id: 'ocop.valid.stars3', n: 3, color: '#e8a317' },
    { id: 'ocop.valid.stars4', n: 4, color: '#d2591c' },
    { id: 'ocop.valid.stars5', n: 5, color: '#8c1d18' }
  ];
  let chartData = null;
  async function loadChart() {
    const to = todayVN() > state.asOf ? todayVN() : state.asOf;
    const k = knownParam();
    try {
      const all = await Promise.all(SERIES.map((sr) => api(`/v1/figures/${sr.id}/timeline` + qs({ from: CHART_FROM, to, step: 'month', known_at: k }))));
      chartData = { to, series: all.map((r) => (r.points || [])) };
      drawChart();
    } catch (e) { $('chart').textContent = errText(e); }
  }
  function niceStep(max) {
    const raw = max / 5;
    const p = Math.pow(10, Math.floor(Math.log10(raw || 1)));
    for (const m of [1, 2, 2.5, 5, 10]) if (raw <= m * p) return m * p;
    return 10 * p;
  }
  function drawChart() {
    const box = $('chart');
    $('chart-sub').textContent = t().chartSub(fmtDate(CHART_FROM), fmtDate(chartData ? chartData.to : todayVN()), knownText());
    $('chart-legend').replaceChildren(...[...SERIES].reverse().map((sr) => h('li', {}, h('span', { class: 'sw s' + sr.n }), t().stars(sr.n))));
    if (!chartData) return;
    const W = Math.max(320, Math.round(box.clientWidth || 760)), H = Math.round(Math.min(360, Math.max(240, W * 0.42)));
    const m = { l: 48, r: 16, t: 16, b: 30 };
    const iw = W - m.l - m.r, ih = H - m.t - m.b;
    const base = chartData.series[0];
    const n = base.length;
    if (!n) { box.replaceChildren(); return; }
    const stack = base.map((p, i) => { let acc = 0; return chartData.series.map((sr) => { const v = (sr[i] && sr[i].value) || 0; const lo = acc; acc += v; return [lo, acc, v]; }); });
    const maxY = Math.max(1, ...stack.map((col) => col[col.length - 1][1]));
    const step = niceStep(maxY);
    const top = Math.ceil(maxY / step) * step;
    const x = (i) => m.l + (n === 1 ? iw / 2 : (i * iw) / (n - 1));
    const y = (v) => m.t + ih - (v / top) * ih;
    const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-labelledby': 'chart-title chart-desc' });
    const last = stack[n - 1];
    svg.append(s('title', { id: 'chart-title' }, t().chartAria),
      s('desc', { id: 'chart-desc' }, `${fmtDate(base[n - 1].date)}: ` + SERIES.map((sr, j) => `${t().stars(sr.n)} ${last[j][2]}`).join(', ')));
    const grid = s('g', { class: 'grid' }), axis = s('g', { class: 'axis' });
    for (let v = 0; v <= top + 1e-9; v += step) {
      grid.append(s('line', { x1: m.l, x2: W - m.r, y1: y(v), y2: y(v) }));
      axis.append(s('text', { x: m.l - 8, y: y(v) + 4, 'text-anchor': 'end' }, fmtNum(v)));
    }
    // one tick a year, on January
    base.forEach((p, i) => {
      if (p.date.slice(5, 7) !== '01') return;
      grid.append(s('line', { x1: x(i), x2: x(i), y1: m.t, y2: m.t + ih }));
      axis.append(s('text', { x: x(i), y: H - 8, 'text-anchor': 'middle' }, p.date.slice(0, 4)));
    });
    svg.append(grid);
    SERIES.forEach((sr, j) => {
      let d = '';
      for (let i = 0; i < n; i++) d += `${i ? 'L' : 'M'}${x(i).toFixed(1)},${y(stack[i][j][1]).toFixed(1)}`;
      for (let i = n - 1; i >= 0; i--) d += `L${x(i).toFixed(1)},${y(stack[i][j][0]).toFixed(1)}`;
      svg.append(s('path', { d: d + 'Z', fill: sr.color, 'fill-opacity': '0.88', stroke: '#fff', 'stroke-width': '0.6', 'data-series': sr.id }));
    });
    svg.append(s('line', { class: 'axis-line', x1: m.l, x2: W - m.r, y1: m.t + ih, y2: m.t + ih }), axis);
    // the chosen day
    const ai = base.findIndex((p) => p.date > state.asOf);
    const idx = ai < 0 ? n - 1 : Math.max(0, ai - 1);
    if (state.asOf >= base[0].date) {
      const mx = x(idx);
      svg.append(s('g', { class: 'marker' }, s('line', { x1: mx, x2: mx, y1: m.t, y2: m.t + ih }),
        s('text', { x: mx - 6, y: m.t + 12, 'text-anchor': 'end' }, fmtDate(state.asOf))));
    }
    // hover read-out
    const hover = s('g', { class: 'hover', visibility: 'hidden' });
    const hl = s('line', { y1: m.t, y2: m.t + ih });
    const tip = s('g', { class: 'tip' });
    hover.append(hl, tip);
    svg.append(hover, s('rect', { x: m.l, y: m.t, width: iw, height: ih, fill: 'transparent', 'data-hit': '' }));
    svg.addEventListener('pointermove', (ev) => {
      const r = svg.getBoundingClientRect();
      const px = ((ev.clientX - r.left) / r.width) * W;
      const i = Math.max(0, Math.min(n - 1, Math.round(((px - m.l) / iw) * (n - 1))));
      hover.setAttribute('visibility', 'visible');
      hl.setAttribute('x1', x(i)); hl.setAttribute('x2', x(i));
      const lines = [fmtDate(base[i].date), ...[...SERIES].reverse().map((sr) => `${t().stars(sr.n)}: ${fmtNum(stack[i][SERIES.indexOf(sr)][2])}`), `${t().total}: ${fmtNum(stack[i][SERIES.length - 1][1])}`];
      const tw = 132, th = 16 * lines.length + 10;
      const tx = x(i) + tw + 12 > W ? x(i) - tw - 8 : x(i) + 8;
      tip.replaceChildren(s('rect', { x: tx, y: m.t + 4, width: tw, height: th, rx: 6 }), ...lines.map((l, k) => s('text', { x: tx + 8, y: m.t + 20 + k * 16, 'font-weight': k ? null : '700' }, l)));
    });
    svg.addEventListener('pointerleave', () => hover.setAttribute('visibility', 'hidden'));
    box.replaceChildren(svg);
  }

  // ---- live feed -------------------------------------------------------------------------
  function summarize(typ, d) {
    d = d || {};
    const name = d.product_name || d.name || d.business_name || d.producer_name || d.product_id || d.salespoint_id || '';
    const parts = [];
    if (d.stars) parts.push(starsText(d.stars));
    if (d.decision && d.decision.number) parts.push(`${d.decision.number}${d.decision.date ? ' · ' + fmtDate(d.decision.date) : ''}`);
    if (d.address && d.address.province) parts.push([d.address.commune, d.address.province].filter(Boolean).join(', '));
    return { name, detail: parts.join(' · ') };
  }
  function feedItem(env, fresh) {
    const seq = env.sequence;
    if (seq && state.feedSeen.has(seq)) return;
    if (seq) state.feedSeen.add(seq);
    state.feedEnvs.push(env);
    if (state.feedEnvs.length > FEED_MAX * 2) state.feedEnvs.splice(0, FEED_MAX);
    // An entry that is not an event is named with its record and the reason, never left out.
    const typ = env.type || (env.unreadable ? 'unreadable' : '');
    const { name, detail } = env.unreadable ? { name: env.stream || '', detail: env.unreadable } : summarize(typ, env.data);
    const li = h('li', { class: fresh ? 'new' : null, 'data-seq': seq || '', 'data-type': typ },
      h('span', { class: 'seq', text: seq ? '#' + seq : '' }),
      h('span', { class: 'what' }, h('span', { class: 'type' + (typ.startsWith('ocop.') ? ' ocop' : ''), text: typeLabel(typ) }), name, ...badges({ ...(env.data || {}), name })),
      h('span', { class: 'meta' }, [detail, `${t().recordedAt} ${fmtInstant(env.unreadable ? env.appended_at : env.recorded_at)}`, env.actor ? `${t().by} ${env.actor}` : ''].filter(Boolean).join(' · '),
        env.unreadable || !env.id || typ.startsWith('correction.') ? null : h('button', { type: 'button', class: 'linkish', 'data-correct': env.id, onclick: () => correctEntry(env) }, t().correct)));
    const feed = $('feed');
    feed.querySelector('.empty')?.remove();
    // keep the feed in log order, newest first
    const after = [...feed.children].find((c) => +c.dataset.seq < +seq);
    if (after && seq) feed.insertBefore(li, after); else if (fresh) feed.prepend(li); else feed.append(li);
    while (feed.children.length > FEED_MAX) feed.lastElementChild.remove();
  }
  function feedEmpty() {
    const feed = $('feed');
    if (!feed.children.length) feed.append(h('li', { class: 'empty', text: t().feedEmpty }));
  }
  async function loadFeedTail(tail) {
    try {
      const r = await api('/v1/log' + qs({ from: Math.max(1, tail - 7), limit: 8 }));
      const list = Array.isArray(r) ? r : (r.events || r.items || r.entries || []);
      for (const env of list.slice().reverse()) feedItem(env, false);
    } catch (e) { /* the feed fills from the stream */ }
    feedEmpty();
  }

  // follow reads a server-sent event stream with fetch (so that it can send a bearer token) and
  // reconnects with Last-Event-ID after a break.
  async function follow(url, lastID, onEvent) {
    let delay = 1000;
    for (;;) {
      try {
        const headers = { Accept: 'text/event-stream' };
        if (lastID) headers['Last-Event-ID'] = String(lastID);
        if (state.token) headers.Authorization = 'Bearer ' + state.token;
        const res = await fetch(url, { headers, cache: 'no-store' });
        if (res.status === 401 || res.status === 403) {
          const err = await errorOf(res);
          askToken(neededRole(err, 'GET'), res.status, err.text);
          setLive('auth');
          await new Promise((wake) => tokenWaiters.push(wake)); // not a lost connection: wait for a token
          continue;
        }
        if (res.status === 400) lastID = ''; // a position this log does not have (restored?): follow from now
        if (!res.ok || !res.body) throw new Error('HTTP ' + res.status);
        setLive('open'); delay = 1000;
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buf = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buf += value;
          let m;
          while ((m = /\r\n\r\n|\n\n|\r\r/.exec(buf))) {
            const block = buf.slice(0, m.index);
            buf = buf.slice(m.index + m[0].length);
            const ev = { id: '', event: 'message', data: [] };
            for (const line of block.split(/\r\n|\n|\r/)) {
              if (!line || line[0] === ':') continue;
              const i = line.indexOf(':');
              const f = i < 0 ? line : line.slice(0, i);
              let v = i < 0 ? '' : line.slice(i + 1);
              if (v[0] === ' ') v = v.slice(1);
              if (f === 'data') ev.data.push(v); else if (f === 'id') ev.id = v; else if (f === 'event') ev.event = v;
            }
            if (ev.id) lastID = ev.id;
            if (ev.data.length) { try { onEvent(ev, JSON.parse(ev.data.join('\n'))); } catch (e) { /* a keep-alive or foreign line */ } }
          }
        }
      } catch (e) { /* reconnect below */ }
      setLive('retry');
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 15000);
    }
  }

  // refresh refetches what a new entry may change, once per burst of entries. When the figures
  // do not yet include the newest entry, it asks again shortly.
  let refreshTimer = 0;
  function scheduleRefresh() {
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(async () => {
      if (state.knownMode !== 'now') return;
      try {
        const r = await loadFigures();
        if (r && r.position < state.pendingSeq) { scheduleRefresh(); return; }
        loadExpiring(); loadChart();
        if (state.drill) loadDrill();
      } catch (e) { showError(e); }
    }, 250);
  }
  function startStreams(tail) {
    follow('/v1/stream/events', tail, (ev, env) => {
      const seq = +(env.sequence || ev.id || 0);
      if (seq) env.sequence = seq;
      if (!env.type) env.type = ev.event;
      feedItem(env, true);
      if (seq > state.pendingSeq) state.pendingSeq = seq;
      scheduleRefresh();
    });
    follow('/v1/stream/figures', tail, () => scheduleRefresh());
  }


  // ---- pages -----------------------------------------------------------------------------
  const PANES = ['overview', 'record', 'audit', 'import'];
  function currentPane() { const p = location.hash.slice(1).split('?')[0]; return PANES.includes(p) ? p : 'overview'; }
  function showPane() {
    const p = currentPane();
    for (const el of document.querySelectorAll('.pane[data-pane], form[data-pane]')) el.hidden = el.dataset.pane !== p;
    for (const a of document.querySelectorAll('[data-tab]')) { if (a.dataset.tab === p) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current'); }
    document.body.dataset.view = p;
    if (p === 'record') openRecord();
    if (p === 'audit' && typeof openAudit === 'function') openAudit();
    if (p === 'import' && typeof openImport === 'function') openImport();
    if (p === 'overview') drawChart();
  }

  // ---- recording -------------------------------------------------------------------------
  // The forms are built from the API's own description of each event (GET /v1/openapi.json, whose
  // event schemas are generated from the domain's tables) with the enumerations' labels from the
  // catalogue; the server checks the entry and names the field it rejects.
  const RECORD_KINDS = ['ocop.certified', 'ocop.reevaluated', 'ocop.revoked', 'salespoint.opened', 'salespoint.closed', 'trade_event.participation', 'listing.created', 'listing.removed', 'correction.amended', 'correction.retracted'];
  const KIND_GROUP = { ocop: 'ocop', salespoint: 'salespoints', trade_event: 'trade', listing: 'ecommerce', correction: 'ocop' };
  const rec = { kind: RECORD_KINDS[0], schemas: null, key: '' };
  async function loadSchemas() {
    if (rec.schemas) return rec.schemas;
    const doc = await api('/v1/openapi.json');
    const all = (doc.components && doc.components.schemas) || {};
    rec.schemas = { doc, all, byType: Object.fromEntries(Object.values(all).filter((x) => x.title).map((x) => [x.title, x])) };
    return rec.schemas;
  }
  function resolve(p) {
    const ref = p && p.$ref;
    return ref ? { ...rec.schemas.all[ref.split('/').pop()], refName: ref.split('/').pop() } : p;
  }
  // enumOf finds the catalogue's enumeration a schema property draws on (its description is the
  // enumeration's label, "english (tiếng Việt)"; failing that, the same set of values).
  function enumOf(p) {
    const list = (state.catalogue && state.catalogue.enumerations) || [];
    const same = (e) => e.values.length === p.enum.length && e.values.every((v) => p.enum.includes(v.value));
    return list.find((e) => `${e.label.en} (${e.label.vi})` === p.description) || list.find(same) || null;
  }
  function fieldLabel(name) { return t().fields[name] || name; }
  function fieldControl(path, name, p, required) {
    const id = 'f-' + path.replace(/\W/g, '-');
    const label = h('label', { for: id }, fieldLabel(name), required ? h('span', { class: 'req', title: t().required, text: ' *' }) : null);
    const err = h('p', { class: 'field-error', id: id + '-error', role: 'alert', hidden: true });
    let input;
    if (p.enum) {
      const e = enumOf(p);
      const label1 = (v) => { const x = e && e.values.find((ev) => ev.value === v); return x ? `${x.label[state.lang]} (${v})` : String(v); };
      input = h('select', { id, name: path, 'data-kind': p.type === 'integer' ? 'int' : 'string' },
        h('option', { value: '', text: t().choose }), p.enum.map((v) => h('option', { value: String(v), text: label1(v) })));
    } else if (p.type === 'boolean') {
      input = h('input', { id, name: path, type: 'checkbox', 'data-kind': 'bool' });
      return h('div', { class: 'ff check', 'data-field': path }, h('label', { class: 'radio' }, input, ' ', fieldLabel(name)), err);
    } else if (p.refName === 'Date') {
      input = h('input', { id, name: path, inputmode: 'numeric', autocomplete: 'off', placeholder: 'dd/mm/yyyy', 'data-kind': 'date', size: 11 });
    } else if (p.type === 'object') {
      input = h('textarea', { id, name: path, rows: 8, spellcheck: 'false', placeholder: t().jsonHint, 'data-kind': 'json' });
    } else {
      input = h('input', { id, name: path, autocomplete: 'off', 'data-kind': p.type === 'number' || p.type === 'integer' ? p.type : 'string', inputmode: p.type === 'number' ? 'decimal' : null });
    }
    input.setAttribute('aria-describedby', id + '-error');
    if (required) input.setAttribute('aria-required', 'true');
    return h('div', { class: 'ff', 'data-field': path }, label, input, err);
  }
  function fieldsOf(schema, prefix) {
    const req = new Set(schema.required || []);
    return Object.entries(schema.properties || {}).map(([name, raw]) => {
      const p = resolve(raw);
      const path = prefix ? `${prefix}.${name}` : name;
      if (p.type === 'object' && p.properties) {
        return h('fieldset', { class: 'ff-group', 'data-field': path }, h('legend', {}, fieldLabel(name), req.has(name) ? h('span', { class: 'req', text: ' *' }) : null),
          h('p', { class: 'field-error', role: 'alert', hidden: true }), h('div', { class: 'ff-grid' }, fieldsOf(p, path)));
      }
      return fieldControl(path, name, p, req.has(name));
    });
  }
  async function openRecord() {
    renderRecordFigures();
    if (!rec.schemas) {
      try { await loadSchemas(); } catch (e) { $('record-form').replaceChildren(h('p', { class: 'banner', text: errText(e) })); return; }
    }
    if (!$('record-kinds').children.length || $('record-form').dataset.lang !== state.lang) buildRecord();
  }
  function buildRecord() {
    $('record-kinds').replaceChildren(...RECORD_KINDS.map((k) => h('li', {}, h('button', { type: 'button', class: 'kind' + (k === rec.kind ? ' on' : ''), 'data-kind': k, 'aria-pressed': String(k === rec.kind), onclick: () => { rec.kind = k; buildRecord(); renderRecordFigures(); } },
      h('span', { text: t().kinds[k] || typeLabel(k) }), h('span', { class: 'fid', text: k })))));
    const schema = rec.schemas && rec.schemas.byType[rec.kind];
    const form = $('record-form');
    form.dataset.lang = state.lang;
    form.dataset.kind = rec.kind;
    rec.key = '';
    if (!schema) { form.replaceChildren(h('p', { class: 'banner', text: rec.kind })); return; }
    form.replaceChildren(
      h('h2', { id: 'record-title', text: t().kinds[rec.kind] || typeLabel(rec.kind) }),
      h('p', { class: 'panel-sub' }, typeLabel(rec.kind), ' · ', h('code', { text: 'POST /v1/events/' + rec.kind })),
      h('div', { class: 'ff-grid' }, fieldsOf(schema, '')),
      h('div', { class: 'form-actions' },
        h('button', { type: 'submit', class: 'primary', id: 'record-submit', text: t().recordSubmit }),
        h('button', { type: 'reset', class: 'chip', text: t().recordReset }),
        h('p', { id: 'record-status', class: 'form-status', role: 'status', 'aria-live': 'polite' })));
  }
  // readForm turns the form into the event's JSON: dates dd/mm/yyyy to ISO, numbers to numbers,
  // empty optional parts left out. What does not read is sent as typed, for the server to name.
  function readForm(form) {
    const out = {};
    for (const el of form.querySelectorAll('[name]')) {
      const kind = el.dataset.kind;
      let v;
      if (kind === 'bool') { if (!el.checked) continue; v = true; } else {
        const raw = el.value.trim();
        if (raw === '') continue;
        v = raw;
        if (kind === 'date') v = isoDate(raw) || raw;
        else if (kind === 'int' || kind === 'integer' || kind === 'number') { const n = Number(raw.replace(',', '.')); v = Number.isFinite(n) ? n : raw; }
        else if (kind === 'json') { try { v = JSON.parse(raw); } catch (e) { v = raw; } }
      }
      const path = el.name.split('.');
      let o = out;
      for (const k of path.slice(0, -1)) o = o[k] || (o[k] = {});
      o[path[path.length - 1]] = v;
    }
    return out;
  }
  function clearFieldErrors(form) {
    for (const p of form.querySelectorAll('.field-error')) { p.hidden = true; p.textContent = ''; }
    for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
    for (const el of form.querySelectorAll('.ff.invalid, .ff-group.invalid')) el.classList.remove('invalid');
  }
  // showFieldError puts the server's message beside the field it names (or the nearest part of
  // it the form has) and reports whether it found one.
  function showFieldError(form, field, message) {
    let path = field || '';
    let box = null;
    while (path && !(box = form.querySelector(`[data-field="${CSS.escape(path)}"]`))) path = path.includes('.') ? path.slice(0, path.lastIndexOf('.')) : '';
    if (!box) return false;
    const text = message.startsWith(field + ': ') ? message.slice(field.length + 2) : message;
    const p = box.querySelector('.field-error');
    p.textContent = text; p.hidden = false;
    box.classList.add('invalid');
    const input = box.querySelector('[name]');
    if (input) { input.setAttribute('aria-invalid', 'true'); input.focus(); }
    return true;
  }
  function newKey() {
    const b = crypto.getRandomValues(new Uint8Array(16));
    return 'dash-' + [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  }
  async function submitRecord(e) {
    e.preventDefault();
    const form = $('record-form');
    const status = $('record-status');
    clearFieldErrors(form);
    status.className = 'form-status';
    status.textContent = t().recordSending;
    const body = JSON.stringify(readForm(form));
    // One key per content: pressing twice, or again after a lost answer, records it once.
    if (!rec.key || rec.keyBody !== body) { rec.key = newKey(); rec.keyBody = body; }
    $('record-submit').disabled = true;
    try {
      const res = await request('/v1/events/' + encodeURIComponent(form.dataset.kind), { method: 'POST', body, headers: { 'Content-Type': 'application/json', 'Idempotency-Key': rec.key, 'Accept-Language': state.lang } });
      if (res.ok) {
        const pos = await res.json();
        status.className = 'form-status ok';
        status.textContent = pos.duplicate ? t().recordDuplicate(pos.sequence) : t().recordDone(pos.sequence);
        status.dataset.sequence = pos.sequence;
        if (pos.sequence > state.pendingSeq) state.pendingSeq = pos.sequence;
        rec.key = '';
        scheduleRefresh();
        return;
      }
      const err = await errorOf(res);
      status.className = 'form-status bad';
      status.textContent = showFieldError(form, err.field, err.text) ? t().recordFieldFailed : t().recordFailed(err.text);
    } catch (err) {
      status.className = 'form-status bad';
      status.textContent = err.auth ? t().recordAuth : t().recordFailed(err.message);
    } finally { $('record-submit').disabled = false; }
  }
  // correctEntry opens the amendment form for an entry of the feed, filled with what it names and
  // with its payload to edit.
  async function correctEntry(env) {
    rec.kind = 'correction.amended';
    location.hash = '#record';
    await openRecord();
    buildRecord();
    const form = $('record-form');
    const put = (name, v) => { const el = form.querySelector(`[name="${name}"]`); if (el) el.value = v; };
    put('target_stream', env.stream || ''); put('target_id', env.id || ''); put('target_type', env.type || '');
    put('replacement', JSON.stringify(env.data || {}, null, 2));
    const reason = form.querySelector('[name="reason"]');
    if (reason) reason.focus();
  }
  function renderRecordFigures() {
    const box = $('record-figures');
    if (!box) return;
    const g = state.labels.groups.find((x) => x.id === KIND_GROUP[rec.kind.split('.')[0]]);
    const r = state.result;
    $('record-figures-sub').textContent = t().recordFiguresSub(fmtDate(state.asOf));
    box.replaceChildren(...((g && g.figures) || []).map((id) => {
      const v = r && r.figures ? r.figures[id] : undefined;
      return h('div', { class: 'card static', 'data-figure': id }, h('span', { class: 'value', 'data-value': '', text: v === undefined ? '–' : fmtNum(v) }), h('span', { class: 'label', text: figureLabel(id) }), h('span', { class: 'fid', text: id }));
    }));
  }


  // ---- audit -----------------------------------------------------------------------------
  // A filed report (GET /v1/reports/{id}/reconcile) or a day as known at a time (GET /v1/diff
  // and the figures then and now), set side by side; each difference names the entries behind it
  // and each figure opens its item list, downloadable as XLSX.
  const aud = { reports: null, view: null, items: null };
  async function openAudit() {
    if (aud.reports) return;
    aud.reports = [];
    try {
      let from = 1;
      for (let i = 0; i < 50 && from; i++) {
        const page = await api('/v1/log' + qs({ type: 'report.filed', from, limit: 1000 }));
        aud.reports.push(...(page.events || []));
        from = page.next || 0;
      }
    } catch (e) { aud.reports = null; auditError(errText(e)); return; }
    const sel = $('audit-report');
    sel.replaceChildren(...aud.reports.slice().reverse().map((r) => h('option', { value: r.data.document_number || r.data.report_id, 'data-as-of': r.data.as_of },
      `${r.data.document_number || r.data.report_id} · ${fmtDate(r.data.date || r.data.as_of)}`)));
    if (!aud.reports.length) { sel.append(h('option', { value: '', text: t().auditNoReports })); $('audit-mode-date').checked = true; }
    if (!$('audit-asof').value) $('audit-asof').value = vnDate(REPORT_DAY);
    if (!$('audit-known-date').value) $('audit-known-date').value = vnDate(REPORT_DAY);
    const want = new URLSearchParams(location.hash.split('?')[1] || '').get('report');
    if (want) sel.value = want;
    if (aud.reports.length) runAudit();
  }
  function auditError(msg) { const el = $('audit-error'); el.textContent = msg || ''; el.hidden = !msg; }
  async function runAudit(e) {
    if (e) e.preventDefault();
    auditError('');
    $('audit-items').hidden = true;
    try {
      if ($('audit-mode-report').checked) {
        const id = $('audit-report').value;
        if (!id) return;
        const r = await api(`/v1/reports/${encodeURIComponent(id)}/reconcile`);
        const f = r.filed.report;
        aud.view = {
          asOf: r.as_of, from: r.period_start, knownThen: r.known_at_filing, thenLabel: t().atFiling, report: f,
          title: t().auditReportTitle(f.document_number, fmtDate(f.date)),
          sub: t().auditReportSub(fmtDate(r.as_of), fmtInstant(r.known_at_filing), r.positions[1], r.changed_since, r.mismatches_at_filing),
          rows: r.figures.map((x) => ({ figure: x.figure, stated: x.stated, then: x.at_filing, now: x.now, status: x.status, entries: x.changes_since_filing || [] }))
        };
      } else {
        const asOf = isoDate($('audit-asof').value);
        const kd = isoDate($('audit-known-date').value);
        const kt = $('audit-known-time').value.trim();
        if (!asOf || !kd) { auditError(t().badDate); return; }
        if (kt && !/^([01]?\d|2[0-3]):[0-5]\d$/.test(kt)) { auditError(t().badTime); return; }
        const known = kt ? `${kd}T${kt.padStart(5, '0')}:59+07:00` : kd;
        const [d, then, now] = await Promise.all([
          api('/v1/diff' + qs({ as_of: asOf, known_at: known })),
          api('/v1/figures' + qs({ as_of: asOf, known_at: known })),
          api('/v1/figures' + qs({ as_of: asOf }))]);
        const changes = Object.fromEntries((d.changes || []).map((c) => [c.figure, c]));
        const ids = state.labels.figures.map((f) => f.id).filter((id) => id in (now.figures || {}));
        const when = kt ? `${kt.padStart(5, '0')} ${fmtDate(kd)}` : t().endOfDay(fmtDate(kd));
        aud.view = {
          asOf, from: d.from, knownThen: known, thenLabel: t().asKnownAt(when).replace(/^(như biết |as known )/, ''), report: null,
          title: t().auditDateTitle(fmtDate(asOf), when), sub: t().auditDateSub((d.changes || []).length),
          rows: ids.map((id) => ({ figure: id, stated: null, then: (then.figures || {})[id], now: now.figures[id], status: changes[id] ? 'changed' : 'ok', entries: (changes[id] && changes[id].entries) || [] }))
        };
      }
      renderAudit();
    } catch (err) { auditError(errText(err)); }
  }
  function entryLine(en) {
    const link = h('a', { href: `/v1/log?from=${en.sequence}&limit=1`, class: 'entry-link', 'data-seq': String(en.sequence), onclick: (ev) => { ev.preventDefault(); openEntry(ev.currentTarget); } }, `#${en.sequence}`);
    const d = en.delta || 0;
    return h('li', { 'data-seq': String(en.sequence) }, link, ' ', h('strong', { text: typeLabel(en.type) }), ` · ${en.stream} · ${t().recordedAt} ${fmtInstant(en.recorded_at)}`, en.actor ? ` · ${t().by} ${en.actor}` : '',
      d ? h('span', { class: 'delta-chip' + (d < 0 ? ' down' : ''), text: (d > 0 ? '+' : '') + d }) : null,
      en.source ? h('span', { class: 'sub', text: `${t().sourceOf}: ${en.source}` }) : null);
  }
  // openEntry shows the ledger entry a link names, read through the API with the token.
  async function openEntry(a) {
    const li = a.closest('li');
    const old = li.querySelector('pre.entry');
    if (old) { old.remove(); return; }
    try {
      const page = await api(a.getAttribute('href'));
      const env = (page.events || [])[0];
      li.append(h('pre', { class: 'entry', text: JSON.stringify(env, null, 2) }));
    } catch (e) { li.append(h('pre', { class: 'entry', text: errText(e) })); }
  }
  function renderAudit() {
    const v = aud.view;
    if (!v) return;
    $('audit-result').hidden = false;
    $('audit-title').textContent = v.title;
    $('audit-sub').textContent = v.sub;
    const diffs = v.rows.filter((r) => r.status !== 'ok');
    $('audit-diffs-heading').textContent = t().auditDiffs(diffs.length);
    $('audit-diffs').replaceChildren(...diffs.map((r) => h('li', { 'data-figure': r.figure, 'data-status': r.status },
      h('div', { class: 'diff-head' }, h('strong', { text: figureLabel(r.figure) }), h('span', { class: 'fid', text: r.figure }),
        r.status === 'mismatch_at_filing' ? h('span', { class: 'badge urgent', text: t().statedVs(fmtNum(r.stated), fmtNum(r.then)) }) : h('span', { class: 'badge soon', text: `${fmtNum(r.then)} → ${fmtNum(r.now)}` }),
        h('button', { type: 'button', class: 'chip', 'data-items': r.figure, onclick: () => openItems(r.figure) }, t().itemsLink)),
      h('ol', { class: 'entries' }, r.entries.map(entryLine)))));
    const c = t().acols;
    const head = h('thead', {}, h('tr', {}, [c.figure, c.stated, c.then, c.now, c.delta, c.status, c.items].map((x) => h('th', { scope: 'col', text: x }))));
    const body = v.rows.map((r) => {
      const d = (r.now ?? 0) - (r.then ?? 0);
      return h('tr', { 'data-figure': r.figure, class: r.status === 'ok' ? null : 'differs' },
        h('td', {}, figureLabel(r.figure), h('span', { class: 'sub', text: r.figure })),
        h('td', { class: 'num', text: r.stated === null ? '—' : fmtNum(r.stated) }),
        h('td', { class: 'num', text: r.then === undefined ? '–' : fmtNum(r.then) }),
        h('td', { class: 'num', text: r.now === undefined ? '–' : fmtNum(r.now) }),
        h('td', { class: 'num', text: d ? (d > 0 ? '+' : '') + fmtNum(d) : '' }),
        h('td', {}, h('span', { class: 'badge ' + (r.status === 'ok' ? 'okay' : r.status === 'mismatch_at_filing' ? 'urgent' : 'soon'), text: t().status[r.status] || r.status })),
        h('td', {}, h('button', { type: 'button', class: 'chip', 'data-items': r.figure, onclick: () => openItems(r.figure) }, t().itemsLink)));
    });
    $('audit-table').replaceChildren(head, h('tbody', {}, body));
  }
  function explainURL(id, asOf, known, format) {
    return `/v1/figures/${encodeURIComponent(id)}/explain` + qs({ as_of: asOf, known_at: known, from: aud.view.from, format });
  }
  // openItems lists the items a figure counts as known then and now, marking what came and went.
  async function openItems(id) {
    const v = aud.view;
    const sec = $('audit-items');
    sec.hidden = false;
    $('audit-items-title').textContent = t().itemsTitle(figureLabel(id));
    $('audit-items-sub').textContent = t().loading;
    $('audit-items-table').replaceChildren();
    $('audit-items-tools').replaceChildren(
      h('a', { class: 'chip download', id: 'audit-xlsx-then', href: explainURL(id, v.asOf, v.knownThen, 'xlsx'), download: `${id}_${v.asOf}_${v.report ? 'khi-nop' : 'khi-do'}.xlsx` }, t().xlsxThen),
      h('a', { class: 'chip download', id: 'audit-xlsx-now', href: explainURL(id, v.asOf, '', 'xlsx'), download: `${id}_${v.asOf}_hien-nay.xlsx` }, t().xlsxNow),
      h('a', { class: 'chip download', id: 'audit-csv-now', href: explainURL(id, v.asOf, '', 'csv'), download: `${id}_${v.asOf}_hien-nay.csv` }, t().csvNow));
    sec.scrollIntoView({ behavior: 'smooth', block: 'start' });
    try {
      const [thenItems, nowItems] = await Promise.all([
        explainPages(id, { as_of: v.asOf, known_at: v.knownThen, from: v.from }),
        explainPages(id, { as_of: v.asOf, known_at: '', from: v.from })]);
      const inThen = new Set(thenItems.map((x) => x.item)), inNow = new Set(nowItems.map((x) => x.item));
      const rows = [...nowItems.map((x) => ({ ...x, mark: inThen.has(x.item) ? '' : 'added' })), ...thenItems.filter((x) => !inNow.has(x.item)).map((x) => ({ ...x, mark: 'dropped' }))];
      rows.sort((a, b) => (a.mark ? 0 : 1) - (b.mark ? 0 : 1));
      aud.items = { id, rows, nThen: thenItems.length, nNow: nowItems.length };
      pages['audit-items'] = { page: 0, all: false };
      renderItems();
    } catch (e) { $('audit-items-sub').textContent = errText(e); }
  }
  function renderItems() {
    const it = aud.items;
    if (!it) return;
    const c = t().cols;
    $('audit-items-sub').textContent = t().itemsSub(fmtDate(aud.view.asOf), fmtNum(it.nThen), fmtNum(it.nNow), aud.view.thenLabel);
    const head = h('thead', {}, h('tr', {}, [c.item, c.producer, c.decision, c.valid, c.events].map((x) => h('th', { scope: 'col', text: x }))));
    const rows = paginate('audit-items', it.rows, renderItems).map((x) => {
      const a = x.attrs || {};
      return h('tr', { 'data-item': x.item, 'data-mark': x.mark || null, class: x.mark || null },
        h('td', {}, h('span', { text: a.name || x.item }), x.mark ? h('span', { class: 'badge ' + (x.mark === 'added' ? 'soon' : 'urgent'), text: t()[x.mark] }) : null, ...badges(a)),
        h('td', {}, a.producer || ''),
        h('td', {}, a.decision || '', h('span', { class: 'sub', text: fmtDate(x.from) })),
        h('td', { class: 'date', text: x.until && !x.until.startsWith('9999') ? t().until(fmtDate(addDays(x.until, -1))) : t().noEnd }),
        h('td', {}, eventsCell(x)));
    });
    $('audit-items-table').replaceChildren(head, h('tbody', {}, rows));
  }
  // Downloads carry the token when there is one: fetched, then saved from memory.
  async function download(ev) {
    const a = ev.target.closest('a.download');
    if (!a || !state.token) return;
    ev.preventDefault();
    try {
      const res = await request(a.getAttribute('href'), { headers: { Accept: '*/*' } });
      if (!res.ok) throw new APIError(res.status, (await errorOf(res)).text);
      const url = URL.createObjectURL(await res.blob());
      const tmp = h('a', { href: url, download: a.getAttribute('download') });
      document.body.append(tmp); tmp.click(); tmp.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10000);
    } catch (e) {
      const msg = e.auth ? errText(e) : t().downloadFailed(e.message);
      if (currentPane() === 'audit') auditError(msg); else { $('api-error').textContent = msg; $('api-error').hidden = false; }
    }
  }


  // ---- import ----------------------------------------------------------------------------
  // POST /v1/imports?kind=K&dry_run=true with the file as the body: every row error at once
  // ({row, column, field, message}); then the same with dry_run=false to record. The page offers
  // it only where the server's API document has the route.
  const imp = { kinds: null, result: null, file: null };
  const IMPORT_KINDS = ['ocop-decision', 'cnnttb', 'salespoints', 'participations', 'listings'];
  async function openImport() {
    if (imp.kinds) return;
    try { await loadSchemas(); } catch (e) { $('import-status').textContent = errText(e); return; }
    const path = (rec.schemas.doc.paths || {})['/v1/imports'];
    const op = path && path.post;
    $('import-unavailable').hidden = !!op;
    $('import-unavailable').textContent = t().importUnavailable;
    $('import-form').hidden = !op;
    if (!op) { imp.kinds = []; return; }
    const param = (op.parameters || []).find((p) => p.name === 'kind');
    imp.kinds = (param && param.schema && param.schema.enum) || IMPORT_KINDS;
    fillImportKinds();
  }
  function fillImportKinds() {
    const sel = $('import-kind');
    const was = sel.value;
    sel.replaceChildren(...(imp.kinds || []).map((k) => h('option', { value: k, text: `${t().importKinds[k] || k} (${k})` })));
    if (was) sel.value = was;
  }
  function contentTypeOf(file) {
    return /\.csv$/i.test(file.name) || file.type === 'text/csv' ? 'text/csv' : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
  }
  async function postImport(dryRun) {
    const file = imp.file;
    const kind = $('import-kind').value;
    const res = await request('/v1/imports' + qs({ kind, dry_run: String(dryRun), lang: state.lang }), { method: 'POST', body: file, headers: { 'Content-Type': contentTypeOf(file), 'Accept-Language': state.lang } });
    if (res.ok || res.status === 422) {
      const r = await res.json();
      if (r && Array.isArray(r.errors)) return r;
    }
    const err = await errorOf(res);
    throw new APIError(res.status, err.text, err);
  }
  async function checkImport(e) {
    e.preventDefault();
    const status = $('import-status');
    const file = $('import-file').files[0];
    status.className = 'form-status';
    if (!file) { status.className = 'form-status bad'; status.textContent = t().importNoFile; return; }
    imp.file = file;
    status.textContent = t().importChecking;
    $('import-check').disabled = true;
    try {
      imp.result = await postImport(true);
      imp.stored = null;
      pages['import-errors'] = { page: 0, all: false };
      status.textContent = '';
      renderImport();
    } catch (err) {
      status.className = 'form-status bad';
      status.textContent = err.auth ? t().recordAuth : t().recordFailed(err.message);
    } finally { $('import-check').disabled = false; }
  }
  async function confirmImport() {
    const done = $('import-done');
    done.className = 'form-status';
    done.textContent = t().importStoring;
    $('import-confirm').disabled = true;
    try {
      const r = await postImport(false);
      if (r.errors.length) { imp.result = r; renderImport(); return; }
      imp.stored = r;
      done.className = 'form-status ok';
      done.textContent = t().importStored(r);
      $('import-confirm').hidden = true;
      scheduleRefresh();
    } catch (err) {
      done.className = 'form-status bad';
      done.textContent = err.auth ? t().recordAuth : t().recordFailed(err.message);
    } finally { $('import-confirm').disabled = false; }
  }
  function renderImport() {
    const r = imp.result;
    if (!r) return;
    $('import-result').hidden = false;
    $('import-title').textContent = t().importTitle(imp.file ? imp.file.name : r.kind);
    $('import-summary').textContent = t().importSummary(r) + ' ' + (r.errors.length ? t().importFix : t().importClean);
    const c = t().icols;
    $('import-errors-wrap').hidden = !r.errors.length;
    const rows = paginate('import-errors', r.errors, renderImport).map((x) => h('tr', { 'data-row': String(x.row), 'data-field': x.field || '' },
      h('td', { class: 'num', text: String(x.row) }), h('td', { text: x.column || '' }), h('td', {}, h('code', { text: x.field || '' })), h('td', { text: x.message })));
    $('import-errors').replaceChildren(h('thead', {}, h('tr', {}, [c.row, c.column, c.field, c.message].map((x) => h('th', { scope: 'col', text: x })))), h('tbody', {}, rows));
    const ok = !r.errors.length && !imp.stored;
    $('import-confirm').hidden = !ok;
    $('import-confirm').textContent = t().importConfirm(fmtNum(r.valid));
    if (!imp.stored) $('import-done').textContent = '';
  }

  // ---- wiring ----------------------------------------------------------------------------
  async function refreshAll() {
    showError(null);
    syncURL();
    for (const c of document.querySelectorAll('.card')) c.classList.add('loading');
    try { await loadFigures(); } catch (e) { showError(e); }
    loadChart(); loadExpiring();
    if (state.drill) loadDrill();
    $('feed-sub').textContent = state.knownMode === 'at' ? t().feedPast : t().feedSub;
  }
  function rerender() {
    applyLang(); buildCards(); renderFigures(); drawChart();
    if (currentPane() !== 'overview') showPane();
    renderAudit(); renderItems(); renderImport();
    if (imp.kinds) { fillImportKinds(); $('import-unavailable').textContent = t().importUnavailable; }
    if (state.drill) renderDrill();
    loadExpiring();
    const envs = state.feedEnvs.splice(0);
    state.feedSeen.clear();
    $('feed').replaceChildren();
    for (const env of envs) feedItem(env, false);
    feedEmpty();
    loadFigures().catch(showError);
    $('feed-sub').textContent = state.knownMode === 'at' ? t().feedPast : t().feedSub;
    syncURL();
  }

  async function loadCatalogue() {
    try { state.catalogue = await api('/v1/catalogue'); state.labels = readCatalogue(state.catalogue); } catch (e) { showError(e); }
    buildCards();
  }

  async function main() {
    applyLang();
    await loadCatalogue();
    fillControls();
    $('controls').addEventListener('submit', (e) => { e.preventDefault(); if (readControls()) refreshAll(); });
    for (const r of document.querySelectorAll('input[name="known"]')) r.addEventListener('change', () => { syncKnownInputs(); if (readControls()) refreshAll(); });
    $('as-of').addEventListener('change', () => { if (readControls()) refreshAll(); });
    $('known-date').addEventListener('change', () => { if (readControls()) refreshAll(); });
    $('known-time').addEventListener('change', () => { if (readControls()) refreshAll(); });
    $('preset-today').addEventListener('click', () => { $('as-of').value = vnDate(todayVN()); if (readControls()) refreshAll(); });
    $('preset-report').addEventListener('click', () => { $('as-of').value = vnDate(REPORT_DAY); $('known-date').value = vnDate(REPORT_DAY); $('known-time').value = ''; if (readControls()) refreshAll(); });
    $('drill-close').addEventListener('click', closeDrill);
    $('drill-filter').addEventListener('input', renderDrill);
    for (const b of document.querySelectorAll('.lang-switch button')) b.addEventListener('click', () => { state.lang = b.dataset.lang; localStorage.setItem('ocopledger.lang', state.lang); rerender(); });
    $('auth-form').addEventListener('submit', async (e) => {
      e.preventDefault();
      useToken($('token').value.trim());
      $('token').value = '';
      if (!state.labels.figures.length) await loadCatalogue();
      refreshAll();
      if (currentPane() !== 'overview') showPane();
    });
    $('auth-open').addEventListener('click', () => askToken($('auth-form').dataset.role || 'viewer', 0, ''));
    $('auth-cancel').addEventListener('click', () => { $('auth').hidden = true; });
    $('record-form').addEventListener('submit', submitRecord);
    $('record-form').addEventListener('input', (e) => { const box = e.target.closest('.ff'); if (box) { box.classList.remove('invalid'); e.target.removeAttribute('aria-invalid'); const p = box.querySelector('.field-error'); if (p) p.hidden = true; } });
    $('audit-form').addEventListener('submit', runAudit);
    $('audit-report').addEventListener('change', () => { $('audit-mode-report').checked = true; runAudit(); });
    document.addEventListener('click', download);
    $('import-form').addEventListener('submit', checkImport);
    $('import-confirm').addEventListener('click', confirmImport);
    $('import-file').addEventListener('change', () => { $('import-result').hidden = true; imp.result = null; });
    window.addEventListener('hashchange', showPane);
    showPane();
    let rz = 0;
    window.addEventListener('resize', () => { clearTimeout(rz); rz = setTimeout(drawChart, 150); });

    await refreshAll();
    // the end of the log now: the feed starts there and the streams follow from it
    let tail = state.tail;
    if (state.knownMode !== 'now' || !tail) { try { tail = (await api('/v1/figures')).position || 0; } catch (e) { tail = 0; } }
    state.tail = tail;
    await loadFeedTail(tail);
    startStreams(tail);
    document.body.dataset.ready = 'true';
  }
  main();
})();
