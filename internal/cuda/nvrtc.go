package cuda

import (
	"fmt"
	"strings"
)

// The NVRTC functions used.
var nvrtc struct {
	lib                                                *library
	version, createProgram, compileProgram             uintptr
	getLogSize, getLog, getCubinSize, getCubin         uintptr
	getPTXSize, getPTX, destroyProgram, getErrorString uintptr
}

func loadNVRTC() error {
	names := []string{"libnvrtc.so", "libnvrtc.so.13", "libnvrtc.so.12"}
	lib, err := openLibrary("NVRTC (libnvrtc)", names, toolkitDirs())
	if err != nil {
		return err
	}
	nvrtc.lib = lib
	var missing []string
	s := func(name string) uintptr { return lib.sym(name, &missing) }
	nvrtc.version = s("nvrtcVersion")
	nvrtc.createProgram = s("nvrtcCreateProgram")
	nvrtc.compileProgram = s("nvrtcCompileProgram")
	nvrtc.getLogSize = s("nvrtcGetProgramLogSize")
	nvrtc.getLog = s("nvrtcGetProgramLog")
	nvrtc.getCubinSize = s("nvrtcGetCUBINSize")
	nvrtc.getCubin = s("nvrtcGetCUBIN")
	nvrtc.getPTXSize = s("nvrtcGetPTXSize")
	nvrtc.getPTX = s("nvrtcGetPTX")
	nvrtc.destroyProgram = s("nvrtcDestroyProgram")
	nvrtc.getErrorString = s("nvrtcGetErrorString")
	if len(missing) > 0 {
		return fmt.Errorf("%s lacks %s", lib.path, strings.Join(missing, ", "))
	}
	return nil
}

func nvrtcVersion() [2]int {
	var major, minor int32
	call(nvrtc.version, ptr(&major), ptr(&minor))
	return [2]int{int(major), int(minor)}
}

func nvrtcErr(what string, r int) error {
	if r == 0 {
		return nil
	}
	var msg string
	if nvrtc.getErrorString != 0 {
		r, _ := callPtr(nvrtc.getErrorString, uintptr(r))
		msg = goString(r)
	}
	return fmt.Errorf("nvrtc: %s: %s (%d)", what, msg, r)
}

// compile compiles CUDA C++ source for arch ("sm_90"), giving a cubin; when
// NVRTC does not know the architecture's machine code it gives PTX for the
// matching virtual architecture, which the driver compiles.
func compile(name, src, arch string, options []string) ([]byte, error) {
	out, err := compileTo(name, src, "--gpu-architecture="+arch, options, true)
	if err == nil {
		return out, nil
	}
	if !strings.Contains(err.Error(), "gpu-architecture") {
		return nil, err
	}
	virt := strings.Replace(arch, "sm_", "compute_", 1)
	return compileTo(name, src, "--gpu-architecture="+virt, options, false)
}

func compileTo(name, src, archOpt string, options []string, cubin bool) ([]byte, error) {
	var prog uintptr
	csrc, cname := cstr(src), cstr(name)
	if r := call(nvrtc.createProgram, ptr(&prog), ptr(csrc), ptr(cname), 0, 0, 0); r != 0 {
		return nil, nvrtcErr("create program "+name, r)
	}
	defer call(nvrtc.destroyProgram, ptr(&prog))
	opts := append([]string{archOpt}, options...)
	cs := make([]*byte, len(opts))
	for i, o := range opts {
		cs[i] = cstr(o)
	}
	r := call(nvrtc.compileProgram, prog, uintptr(len(cs)), ptr(&cs[0]))
	if r != 0 {
		var n uintptr
		call(nvrtc.getLogSize, prog, ptr(&n))
		log := make([]byte, n+1)
		call(nvrtc.getLog, prog, ptr(&log[0]))
		return nil, fmt.Errorf("%w:\n%s", nvrtcErr("compile "+name+" with "+archOpt, r), strings.TrimRight(string(log[:n]), "\x00\n"))
	}
	sizeFn, getFn := nvrtc.getCubinSize, nvrtc.getCubin
	if !cubin {
		sizeFn, getFn = nvrtc.getPTXSize, nvrtc.getPTX
	}
	var n uintptr
	if r := call(sizeFn, prog, ptr(&n)); r != 0 {
		return nil, nvrtcErr("get code size of "+name, r)
	}
	code := make([]byte, n)
	if n > 0 {
		if r := call(getFn, prog, ptr(&code[0])); r != 0 {
			return nil, nvrtcErr("get code of "+name, r)
		}
	}
	return code, nil
}
