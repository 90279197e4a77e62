// Command mlxgo is mlxgo's command line.
//
// Usage:
//
//	mlxgo info    print the devices and the versions of the libraries behind them
package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/debug"

	"github.com/mlxgo/mlxgo/mx"
)

func main() {
	if len(os.Args) < 2 {
		usage()
		os.Exit(2)
	}
	switch os.Args[1] {
	case "info":
		info()
	case "help", "-h", "--help":
		usage()
	default:
		fmt.Fprintf(os.Stderr, "mlxgo: unknown command %q\n", os.Args[1])
		usage()
		os.Exit(2)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: mlxgo <command>\n\ncommands:\n  info    print the devices and the versions of the libraries behind them")
}

func info() {
	version := "(devel)"
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		version = bi.Main.Version
	}
	fmt.Printf("mlxgo %s, %s, %s/%s, %d CPUs\n", version, runtime.Version(), runtime.GOOS, runtime.GOARCH, runtime.NumCPU())
	cpu, _ := mx.GetDeviceInfo(mx.CPU)
	fmt.Printf("cpu 0: %s\n", cpu.Name)
	n := mx.DeviceCount(mx.GPUType)
	if n == 0 {
		_, err := mx.GetDeviceInfo(mx.GPU)
		fmt.Printf("gpu: none (%v)\n", err)
		return
	}
	for i := 0; i < n; i++ {
		d, err := mx.GetDeviceInfo(mx.Device{Type: mx.GPUType, Index: i})
		if err != nil {
			fmt.Printf("gpu %d: %v\n", i, err)
			continue
		}
		fmt.Printf("gpu %d: %s, %.1f GiB, compute capability %s, %d multiprocessors\n",
			i, d.Name, float64(d.Memory)/(1<<30), d.ComputeCapability, d.Multiprocessors)
		fmt.Printf("  CUDA driver %s, NVRTC %s\n", d.DriverVersion, d.NVRTCVersion)
		for _, l := range d.Libraries {
			fmt.Printf("  %s\n", l)
		}
	}
}
