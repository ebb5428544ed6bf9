package supervisor

import (
	"os/exec"
	"syscall"
	"unsafe"

	"golang.org/x/sys/windows"
)

type signal int

const (
	sigTerm signal = iota
	sigKill
)

// tree is a Job Object that holds the child and everything it starts. The job is created with
// KILL_ON_JOB_CLOSE, so when the daemon dies, however it dies, Windows ends the whole tree.
// The child is assigned right after it starts; a grandchild started in that instant escapes.
type tree struct {
	job     windows.Handle
	process windows.Handle
}

func prepareTree(cmd *exec.Cmd) {
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.CreationFlags |= windows.CREATE_NEW_PROCESS_GROUP
}

func (t *tree) attach(pid int) error {
	job, err := windows.CreateJobObject(nil, nil)
	if err != nil {
		return err
	}
	info := windows.JOBOBJECT_EXTENDED_LIMIT_INFORMATION{}
	info.BasicLimitInformation.LimitFlags = windows.JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE
	if _, err := windows.SetInformationJobObject(job, windows.JobObjectExtendedLimitInformation,
		uintptr(unsafe.Pointer(&info)), uint32(unsafe.Sizeof(info))); err != nil {
		windows.CloseHandle(job)
		return err
	}
	h, err := windows.OpenProcess(windows.PROCESS_SET_QUOTA|windows.PROCESS_TERMINATE|windows.SYNCHRONIZE, false, uint32(pid))
	if err != nil {
		windows.CloseHandle(job)
		return err
	}
	if err := windows.AssignProcessToJobObject(job, h); err != nil {
		windows.CloseHandle(h)
		windows.CloseHandle(job)
		return err
	}
	t.job, t.process = job, h
	return nil
}

// signal has no SIGTERM on Windows: both rungs terminate the job.
func (t *tree) signal(signal) {
	if t.job != 0 {
		windows.TerminateJobObject(t.job, 1)
	}
}

func (t *tree) alive() bool {
	if t.job == 0 {
		return false
	}
	var info jobAccounting
	err := windows.QueryInformationJobObject(t.job, jobObjectBasicAccountingInformation,
		uintptr(unsafe.Pointer(&info)), uint32(unsafe.Sizeof(info)), nil)
	return err == nil && info.ActiveProcesses > 0
}

// jobAccounting is JOBOBJECT_BASIC_ACCOUNTING_INFORMATION, which x/sys/windows lacks.
type jobAccounting struct {
	TotalUserTime             int64
	TotalKernelTime           int64
	ThisPeriodTotalUserTime   int64
	ThisPeriodTotalKernelTime int64
	TotalPageFaultCount       uint32
	TotalProcesses            uint32
	ActiveProcesses           uint32
	TotalTerminatedProcesses  uint32
}

const jobObjectBasicAccountingInformation = 1

func (t *tree) release() {
	if t.job != 0 {
		windows.CloseHandle(t.job)
		windows.CloseHandle(t.process)
		t.job, t.process = 0, 0
	}
}

func startAndWait(cmd *exec.Cmd, p *Process) error {
	if err := cmd.Start(); err != nil {
		return err
	}
	if err := p.tree.attach(cmd.Process.Pid); err != nil {
		cmd.Process.Kill()
		cmd.Wait()
		return err
	}
	go func() {
		p.exitErr = cmd.Wait()
		close(p.done)
	}()
	return nil
}

func guardAdd(int)    {}
func guardRemove(int) {}
