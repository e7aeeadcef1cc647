package scenarios

import "io"

// keyRequired is a Reader that fails at the end of its input when no
// record had a key: the key field was named (ReadOptions.RequireKey), and
// a name that no record has would otherwise merge all traffic into one
// key without a word.
type keyRequired struct {
	Reader
	file, field string
	first       int  // the line of the first record, 0 before it
	seen        bool // whether a record had a key
}

// Next returns the next record, or at the end an *exitcode.InputError
// when records came and none had a key.
func (k *keyRequired) Next() (Record, error) {
	rec, err := k.Reader.Next()
	switch {
	case err == io.EOF && k.first > 0 && !k.seen:
		return Record{}, lineError(k.file, k.first, k.field, "no record has this field, so all traffic would be one key: "+
			"name the field that holds the key with --key-field, or leave --key-field out to check all traffic as one key")
	case err != nil:
		return rec, err
	}
	if k.first == 0 {
		k.first = rec.Line
	}
	k.seen = k.seen || rec.Key != ""
	return rec, nil
}
