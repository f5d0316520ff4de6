package pipeline

import (
	"context"
	"math"

	"datagen/src/engine"
	"datagen/src/plan"
)

// CheckSampleRows is the number of rows per table that a check generates
// and throws away.
const CheckSampleRows = 200

// CheckSample generates CheckSampleRows rows of every table of p and
// throws them away, compiling every generator and modifier on the way, so
// that a schema that passes `datagen check`, the studio's check and the
// component's validateSchema action is one that generate runs. The
// memory bound of the full run is checked separately (engine.EstimatePlan);
// the sample itself is never refused for it. input.IsUser tells a schema
// that cannot be generated from a failure of the machine.
func CheckSample(ctx context.Context, p *plan.Plan) error {
	_, err := engine.Run(ctx, p, engine.Options{Seed: 1, SampleRows: CheckSampleRows, MaxMemory: math.MaxInt64})
	return err
}
