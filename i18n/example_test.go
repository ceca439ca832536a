package i18n_test

import (
	"fmt"
	"time"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/i18n"
)

func ExampleInt() {
	fmt.Println(i18n.Int("vi", 1400), i18n.Int("en", 1400))
	fmt.Println(i18n.IntPadded("vi", 2, 2))
	// Output:
	// 1.400 1,400
	// 02
}

func ExampleDuration() {
	fmt.Println(i18n.Duration("vi", 6200*time.Millisecond), "|", i18n.Duration("en", 6200*time.Millisecond), "|", i18n.Duration("vi", 45*time.Millisecond))
	// Output: 6,2 giây | 6.2 s | 45 ms
}

func ExampleLocalize() {
	err := domain.Unauthorized("Authorization", "this token is not known")
	fmt.Println(i18n.Localize(err, "en"))
	fmt.Println(i18n.Localize(err, "vi"))
	// Output:
	// Authorization: this token is not known
	// Authorization: mã truy cập này không có trong danh sách của máy chủ
}
