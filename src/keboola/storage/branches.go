package storage

import "context"

// DevBranch is a branch of a project (GET /v2/storage/dev-branches/{id}).
// Every project has one default branch (production); the others are
// development branches.
type DevBranch struct {
	ID        FlexString `json:"id"`
	Name      string     `json:"name"`
	IsDefault FlexBool   `json:"isDefault"`
}

// GetDevBranch returns the branch with the given id; a missing branch is
// an error for which IsNotFound reports true.
func (c *Client) GetDevBranch(ctx context.Context, id string) (*DevBranch, error) {
	var b DevBranch
	if _, err := c.do(ctx, call{method: "GET", path: "dev-branches/" + seg(id), out: &b}); err != nil {
		return nil, err
	}
	return &b, nil
}
