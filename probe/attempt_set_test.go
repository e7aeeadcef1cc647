package probe

import (
	"reflect"
	"testing"
)

// TestAttemptSetResetsEveryField fills every field of an Attempt, then
// sets it to a new attempt: the result must be the composite literal of
// that attempt, so that no field of the slot's previous attempt is left
// (a field added to Attempt and not reset fails here).
func TestAttemptSetResetsEveryField(t *testing.T) {
	var a Attempt
	v := reflect.ValueOf(&a).Elem()
	for i := range v.NumField() {
		f := v.Field(i)
		switch f.Kind() {
		case reflect.String:
			f.SetString("old")
		case reflect.Int, reflect.Int64:
			f.SetInt(7)
		case reflect.Uint64:
			f.SetUint(7)
		case reflect.Bool:
			f.SetBool(true)
		case reflect.Map:
			f.Set(reflect.MakeMap(f.Type()))
		default:
			t.Fatalf("field %s: kind %s; teach this test to fill it", v.Type().Field(i).Name, f.Kind())
		}
		if f.IsZero() {
			t.Fatalf("field %s was not filled", v.Type().Field(i).Name)
		}
	}
	p := pending{at: 100, event: 3, copy: 1, size: 512, n: 2}
	a.set(&p, "k", "ws", "lane", 105, true)
	want := Attempt{Event: 3, Copy: 1, Key: "k", Workspace: "ws", Sender: "lane", Size: 512, N: 2, Intended: 100, Sent: 105, Late: true}
	if !reflect.DeepEqual(a, want) {
		t.Errorf("set gives %+v, want %+v", a, want)
	}
}
