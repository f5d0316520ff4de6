package civil

import "testing"

func BenchmarkParseMicros(b *testing.B) {
	in := [][]byte{[]byte("2024-02-29T13:45:30Z"), []byte("2024-02-29T13:45:30.123456Z"), []byte("2024-02-29")}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := ParseMicros(in[i%3]); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAppendTimestamp(b *testing.B) {
	buf := make([]byte, 0, 64)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		buf = AppendTimestamp(buf[:0], 1_709_214_330_123_456+int64(i)*1_000_003)
	}
}
