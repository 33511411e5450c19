package train

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime"
)

// Micro is one micro-batch handed to Loop.Forward.
type Micro struct {
	// Epoch (from 0) and Index locate the micro-batch in the epoch's plan.
	Epoch, Index int
	// Batch holds the example indices.
	Batch []int
	// Step is the number of updates applied before this micro-batch's
	// update; Part (from 0) is the micro-batch's place in that update's
	// group of Parts micro-batches. A recipe that sums gradients over a
	// group divides each micro-batch's loss by Parts.
	Step, Part, Parts int
}

// Update is one optimizer step handed to Loop.Update.
type Update struct {
	// Step is the number of this update, from 1.
	Step int
	// LR is the learning rate: Loop.LR·Loop.Schedule(Step-1, total).
	LR float64
}

// StepInfo is what the step hooks see after an update.
type StepInfo struct {
	Step     int     // the update just applied, from 1
	Epoch    int     // the epoch it belongs to, from 0
	Loss     float64 // mean of the group's micro-batch losses
	LR       float64
	Examples int // examples in the group
}

// Hook functions. ctx is the loop's context, except in the interrupt hooks,
// which get one that is never cancelled.
type (
	LoopHook  func(ctx context.Context, l *Loop) error
	StepHook  func(ctx context.Context, l *Loop, s StepInfo) error
	EpochHook func(ctx context.Context, l *Loop, epoch int) error
)

type named[F any] struct {
	name string
	fn   F
}

// Loop runs the updates of a training run from State to the end of epoch
// Epochs-1. Its fields are set before Run; hooks run in registration
// order, and a failing hook's error names it.
type Loop struct {
	State *State
	// Epochs is the number of epochs of the run.
	Epochs int
	// Accum is the number of micro-batches per update (0 means 1). The
	// last update of an epoch takes those left over.
	Accum int
	// Plan returns the micro-batches of an epoch; it must return the same
	// plan whenever it is called for the same epoch.
	Plan func(epoch int) [][]int
	// Forward runs the forward and backward pass of one micro-batch,
	// adding to the gradients, and returns its loss. A NaN or infinite
	// loss stops the run with an error naming the update.
	Forward func(ctx context.Context, m Micro) (float64, error)
	// Update applies the optimizer step and clears the gradients.
	Update func(ctx context.Context, u Update) error
	// LR is the peak learning rate and Schedule its multiplier (nil means
	// Constant).
	LR       float64
	Schedule Schedule

	start, end, interrupt []named[LoopHook]
	step                  []named[StepHook]
	epoch                 []named[EpochHook]
}

// OnStart adds a hook that runs before the first update of Run.
func (l *Loop) OnStart(name string, fn LoopHook) {
	l.start = append(l.start, named[LoopHook]{name, fn})
}

// OnStep adds a hook that runs after every update.
func (l *Loop) OnStep(name string, fn StepHook) { l.step = append(l.step, named[StepHook]{name, fn}) }

// OnEpoch adds a hook that runs after the step hooks of an epoch's last
// update; State then already points at the next epoch.
func (l *Loop) OnEpoch(name string, fn EpochHook) {
	l.epoch = append(l.epoch, named[EpochHook]{name, fn})
}

// OnEnd adds a hook that runs once the last epoch is done.
func (l *Loop) OnEnd(name string, fn LoopHook) { l.end = append(l.end, named[LoopHook]{name, fn}) }

// OnInterrupt adds a hook that runs when the context is cancelled between
// two updates, before Run returns context.Cause(ctx): the place to save a
// checkpoint.
func (l *Loop) OnInterrupt(name string, fn LoopHook) {
	l.interrupt = append(l.interrupt, named[LoopHook]{name, fn})
}

// EveryNSteps wraps fn to run only after updates whose number is a
// multiple of n, counted from the start of the run (not of a resumed
// part), so a resumed run acts at the same updates.
func EveryNSteps(n int, fn StepHook) StepHook {
	return func(ctx context.Context, l *Loop, s StepInfo) error {
		if n > 0 && s.Step%n == 0 {
			return fn(ctx, l, s)
		}
		return nil
	}
}

// Run makes the remaining updates. It returns context.Cause(ctx) after the
// interrupt hooks when ctx is cancelled between updates, and the first
// error of Forward, Update or a hook otherwise. The step and epoch hooks
// get a context that is never cancelled, so an epoch's evaluation and
// checkpoint complete before the interruption is seen.
//
// Run locks its goroutine to one OS thread: libtorch keeps per-thread state
// (its OpenMP team, the gradient mode), and a run whose steps hop between
// threads gave results that differed in the last bit from run to run.
func (l *Loop) Run(ctx context.Context) error {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	st := l.State
	if st == nil || l.Plan == nil || l.Forward == nil || l.Update == nil {
		return errors.New("train: Loop needs State, Plan, Forward and Update")
	}
	accum := max(1, l.Accum)
	sched := l.Schedule
	if sched == nil {
		sched = Constant
	}
	for _, h := range l.start {
		if err := h.fn(ctx, l); err != nil {
			return fmt.Errorf("start hook %s: %w", h.name, err)
		}
	}
	work := context.WithoutCancel(ctx)
	for st.Epoch < l.Epochs {
		plan := l.Plan(st.Epoch)
		if len(plan) == 0 {
			return fmt.Errorf("epoch %d has no batches", st.Epoch+1)
		}
		if st.Batch > len(plan) {
			return fmt.Errorf("state at batch %d of epoch %d, which has %d", st.Batch, st.Epoch, len(plan))
		}
		for st.Batch < len(plan) {
			if ctx.Err() != nil {
				for _, h := range l.interrupt {
					if err := h.fn(work, l); err != nil {
						return fmt.Errorf("interrupt hook %s: %w", h.name, err)
					}
				}
				return context.Cause(ctx)
			}
			if st.Step >= st.Total {
				return fmt.Errorf("update %d would exceed the run's total of %d", st.Step+1, st.Total)
			}
			parts := min(accum, len(plan)-st.Batch)
			var loss float64
			examples := 0
			for p := range parts {
				m := Micro{Epoch: st.Epoch, Index: st.Batch + p, Batch: plan[st.Batch+p], Step: st.Step, Part: p, Parts: parts}
				v, err := l.Forward(work, m)
				if err != nil {
					return fmt.Errorf("update %d (epoch %d, batch %d): %w", st.Step+1, st.Epoch+1, m.Index+1, err)
				}
				if math.IsNaN(v) || math.IsInf(v, 0) {
					return fmt.Errorf("update %d (epoch %d, batch %d): loss is %v", st.Step+1, st.Epoch+1, m.Index+1, v)
				}
				loss += v
				examples += len(m.Batch)
			}
			u := Update{Step: st.Step + 1, LR: l.LR * sched(st.Step, st.Total)}
			if err := l.Update(work, u); err != nil {
				return fmt.Errorf("update %d: %w", u.Step, err)
			}
			epoch := st.Epoch
			st.Step++
			st.Batch += parts
			done := st.Batch == len(plan)
			if done {
				st.Epoch++
				st.Batch = 0
			}
			info := StepInfo{Step: u.Step, Epoch: epoch, Loss: loss / float64(parts), LR: u.LR, Examples: examples}
			for _, h := range l.step {
				if err := h.fn(work, l, info); err != nil {
					return fmt.Errorf("step hook %s: %w", h.name, err)
				}
			}
			if done {
				for _, h := range l.epoch {
					if err := h.fn(work, l, epoch); err != nil {
						return fmt.Errorf("epoch hook %s: %w", h.name, err)
					}
				}
				break
			}
		}
	}
	for _, h := range l.end {
		if err := h.fn(ctx, l); err != nil {
			return fmt.Errorf("end hook %s: %w", h.name, err)
		}
	}
	return nil
}
