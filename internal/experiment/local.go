package experiment

import (
	"context"
	"sync"

	"golang.org/x/sync/errgroup"
)

// LocalOptions configures RunLocal.
type LocalOptions struct {
	// Jobs is the most jobs run at once; zero or less means 1.
	Jobs int
	// Progress, when not nil, is called after each job, done or failed,
	// with the number finished so far and the number to run. It is called
	// from one goroutine at a time.
	Progress func(finished, total int)
}

// Summary says what a run did.
type Summary struct {
	// Skipped counts jobs whose valid result already existed.
	Skipped int
	// Ran counts jobs that ran and wrote their result.
	Ran int
	// Failed lists the jobs that failed, in plan order, with their log
	// paths.
	Failed []JobState
}

// RunLocal runs the jobs of p that have no valid result, at most
// opts.Jobs at a time, each with RunJob. A failing job does not stop the
// others; it is listed in the summary and never counts as done. RunLocal
// returns a non-nil error only when ctx ends (its cause) or the store
// cannot be used.
func RunLocal(ctx context.Context, env *Env, store Store, p *Plan, opts LocalOptions) (Summary, error) {
	var sum Summary
	var todo []Job
	for _, j := range p.Jobs {
		if _, why := store.Load(j); why == "" {
			sum.Skipped++
		} else {
			todo = append(todo, j)
		}
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(max(opts.Jobs, 1))
	var mu sync.Mutex
	failed := map[int]JobState{}
	finished := 0
	for _, j := range todo {
		if gctx.Err() != nil {
			break
		}
		g.Go(func() error {
			err := RunJob(gctx, env, store, j)
			if ctx.Err() != nil {
				return context.Cause(ctx)
			}
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				failed[j.Index] = JobState{Job: j, Status: StatusFailed, Reason: oneLine(err), Log: store.LogPath(j.ID)}
			} else {
				sum.Ran++
			}
			finished++
			if opts.Progress != nil {
				opts.Progress(finished, len(todo))
			}
			return nil
		})
	}
	err := g.Wait()
	for _, j := range p.Jobs {
		if f, ok := failed[j.Index]; ok {
			sum.Failed = append(sum.Failed, f)
		}
	}
	if err == nil && ctx.Err() != nil {
		err = context.Cause(ctx)
	}
	return sum, err
}
