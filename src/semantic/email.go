package semantic

import (
	"fmt"
	"strconv"
	"strings"
)

// freeEmailShares lists, per locale, the free e-mail providers its
// addresses use with their shares in percent. The shares are rounded
// estimates of each provider's popularity in the country (the providers
// that dominate local usage, no single one taking everything), not a
// measurement; they replace the locale data's unweighted list.
var freeEmailShares = map[string]string{
	"en_US": "gmail.com 44 yahoo.com 14 icloud.com 10 outlook.com 9 hotmail.com 8 aol.com 6 comcast.net 4 att.net 3 msn.com 2",
	"en_GB": "gmail.com 38 hotmail.co.uk 14 outlook.com 10 yahoo.co.uk 10 icloud.com 9 btinternet.com 7 hotmail.com 5 sky.com 4 aol.co.uk 3",
	"en_CA": "gmail.com 45 hotmail.com 15 outlook.com 10 yahoo.ca 10 icloud.com 8 shaw.ca 4 rogers.com 4 videotron.ca 4",
	"en_AU": "gmail.com 42 bigpond.com 12 hotmail.com 12 outlook.com 10 yahoo.com.au 10 icloud.com 9 optusnet.com.au 5",
	"en_IN": "gmail.com 60 yahoo.co.in 12 rediffmail.com 10 hotmail.com 9 outlook.com 9",
	"de_DE": "gmail.com 24 web.de 20 gmx.de 18 t-online.de 12 gmx.net 6 outlook.de 5 yahoo.de 4 hotmail.de 4 freenet.de 4 icloud.com 3",
	"fr_FR": "gmail.com 38 orange.fr 14 hotmail.fr 12 yahoo.fr 9 free.fr 8 laposte.net 6 sfr.fr 5 outlook.fr 5 wanadoo.fr 3",
	"es_ES": "gmail.com 50 hotmail.com 20 hotmail.es 8 yahoo.es 8 outlook.es 8 telefonica.net 3 icloud.com 3",
	"es_MX": "gmail.com 50 hotmail.com 30 outlook.com 10 yahoo.com.mx 8 live.com.mx 2",
	"it_IT": "gmail.com 40 libero.it 15 hotmail.it 12 yahoo.it 10 alice.it 6 virgilio.it 6 outlook.it 6 tiscali.it 5",
	"nl_NL": "gmail.com 40 hotmail.com 15 outlook.com 12 ziggo.nl 8 kpnmail.nl 7 live.nl 6 icloud.com 6 hotmail.nl 6",
	"pt_BR": "gmail.com 55 hotmail.com 20 outlook.com 8 yahoo.com.br 8 uol.com.br 5 bol.com.br 4",
	"pt_PT": "gmail.com 45 hotmail.com 15 sapo.pt 15 outlook.pt 8 live.com.pt 7 yahoo.com 5 mail.pt 5",
	"pl_PL": "gmail.com 40 wp.pl 18 onet.pl 14 o2.pl 10 interia.pl 10 op.pl 4 outlook.com 4",
	"cs_CZ": "seznam.cz 45 gmail.com 35 email.cz 8 centrum.cz 6 atlas.cz 3 volny.cz 3",
	"sv_SE": "gmail.com 45 hotmail.com 18 outlook.com 10 telia.com 8 icloud.com 8 yahoo.se 6 live.se 5",
	"da_DK": "gmail.com 42 hotmail.com 18 live.dk 10 outlook.dk 8 icloud.com 8 yahoo.dk 6 jubii.dk 4 mail.dk 4",
	"fi_FI": "gmail.com 45 hotmail.com 15 outlook.com 10 luukku.com 8 icloud.com 8 elisanet.fi 8 yahoo.com 6",
	"nb_NO": "gmail.com 45 hotmail.com 18 online.no 12 outlook.com 10 icloud.com 8 yahoo.no 7",
	"ja_JP": "gmail.com 35 yahoo.co.jp 20 docomo.ne.jp 12 icloud.com 10 ezweb.ne.jp 8 softbank.ne.jp 5 outlook.jp 5 hotmail.co.jp 5",
	"zh_CN": "qq.com 50 163.com 20 126.com 8 sina.com 5 foxmail.com 5 outlook.com 4 gmail.com 3 sohu.com 3 139.com 2",
	"ko_KR": "naver.com 55 gmail.com 25 daum.net 10 hanmail.net 8 nate.com 2",
	"ru_RU": "mail.ru 35 yandex.ru 30 gmail.com 25 rambler.ru 5 bk.ru 3 ya.ru 2",
	"tr_TR": "gmail.com 60 hotmail.com 25 outlook.com 7 yandex.com.tr 5 yahoo.com 3",
}

// weightedPool is a list of values with cumulative weights.
type weightedPool struct {
	vals []string
	cum  []uint64
}

// pick maps a uniform draw to a value by weight.
func (w *weightedPool) pick(u uint64) string {
	x := (w.cum[len(w.cum)-1] * (u >> 32)) >> 32
	lo, hi := 0, len(w.cum)-1
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if w.cum[m] > x {
			hi = m
		} else {
			lo = m + 1
		}
	}
	return w.vals[lo]
}

// freeEmailDomains returns the weighted free e-mail domains of a locale:
// its entry in freeEmailShares, or else the locale data's list with equal
// weights.
func freeEmailDomains(code string, free *pool) (weightedPool, error) {
	var w weightedPool
	spec, ok := freeEmailShares[code]
	if !ok {
		for i, v := range free.vals {
			w.vals = append(w.vals, v)
			w.cum = append(w.cum, uint64(i+1))
		}
		return w, nil
	}
	f := strings.Fields(spec)
	if len(f)%2 != 0 {
		return w, fmt.Errorf("free e-mail shares of %s: want domain and share pairs", code)
	}
	var sum uint64
	for i := 0; i < len(f); i += 2 {
		n, err := strconv.ParseUint(f[i+1], 10, 32)
		if err != nil || n == 0 {
			return w, fmt.Errorf("free e-mail shares of %s: share %q", code, f[i+1])
		}
		sum += n
		w.vals = append(w.vals, f[i])
		w.cum = append(w.cum, sum)
	}
	return w, nil
}
