//go:build !linux

package mx

func adviseHuge(b []byte) {}
